//! `mutual simulate --plot FILE.svg`: two panels with plotters' SVG backend (no font or
//! image stack: the SVG names a sans-serif font and the viewer lays the text out).
//!
//! - left: the exceedance curve of the total loss per path, `P(loss > x)` (pool payouts
//!   beyond premium plus trader obligations beyond collateral, over the horizon), both axes
//!   logarithmic, with the single-event boundaries of the pool tail-loss waterfall at
//!   today's capital marked as vertical lines (retention, each tranche's cap, the haircut);
//! - right: for each tier, the probability it is touched (absorbs anything) and exhausted
//!   (some loss went past it) over the horizon, on a logarithmic axis.

use std::path::Path;

use mutual_simulator::Output;
use plotters::coord::Shift;
use plotters::prelude::*;

/// Canvas size in pixels.
const SIZE: (u32, u32) = (1200, 520);
/// The smallest probability drawn on a log axis (a bar of zero is not drawn).
const P_FLOOR: f64 = 1e-6;

/// Refuses a plot path that is not `.svg`, before any simulation runs.
///
/// # Errors
/// The extension is not `svg`.
pub(crate) fn check_path(path: &Path) -> Result<(), String> {
    match path.extension().and_then(|e| e.to_str()) {
        Some(e) if e.eq_ignore_ascii_case("svg") => Ok(()),
        _ => Err(format!("--plot: only SVG output is supported, got {}", path.display())),
    }
}

/// Draws the plot to `path`.
///
/// # Errors
/// The file cannot be written.
pub(crate) fn draw(path: &Path, output: &Output) -> Result<(), String> {
    let root = SVGBackend::new(path, SIZE).into_drawing_area();
    let fail = |e: &dyn std::fmt::Display| format!("--plot {}: {e}", path.display());
    root.fill(&WHITE).map_err(|e| fail(&e))?;
    let (left, right) = root.split_horizontally(SIZE.0 * 3 / 5);
    exceedance(&left, output).map_err(|e| fail(&e))?;
    tiers(&right, output).map_err(|e| fail(&e))?;
    root.present().map_err(|e| fail(&e))
}

type Area<'a> = DrawingArea<SVGBackend<'a>, Shift>;
type DrawResult = Result<(), DrawingAreaErrorKind<std::io::Error>>;

/// The loss exceedance curve with the layer boundaries.
fn exceedance(area: &Area<'_>, output: &Output) -> DrawResult {
    let r = &output.report;
    let points: Vec<(f64, f64)> =
        output.loss_exceedance.iter().copied().filter(|&(x, p)| x >= 1.0 && p > 0.0).collect();
    let paths = f64_of(r.summary.paths);
    let p_min = (0.5 / paths).max(P_FLOOR);
    let boundaries: Vec<(String, f64)> =
        r.boundaries.iter().filter(|b| b.loss >= 1.0).map(|b| (b.name.clone(), b.loss)).collect();
    let all_x = points.iter().map(|p| p.0).chain(boundaries.iter().map(|b| b.1));
    let x_max = all_x.clone().fold(1e3_f64, f64::max) * 1.5;
    // From the smallest loss or boundary, but at most four decades: below that the curve
    // is flat at P(loss > 0).
    let x_min = all_x.fold(x_max, f64::min).max(x_max / 1e4).max(1.0) / 1.5;
    // P(loss > x) for x below the smallest loss: the probability of any loss.
    let p_any = r.losses.iter().find(|l| l.name == "total").map_or(1.0, |l| l.p_positive);
    let mut chart = ChartBuilder::on(area)
        .caption(
            format!(
                "P(total loss over {} days > x): {} {} paths",
                r.summary.horizon_days, r.summary.underlying, r.summary.paths
            ),
            ("sans-serif", 18),
        )
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        .build_cartesian_2d((x_min..x_max).log_scale(), (p_min..1.0).log_scale())?;
    chart
        .configure_mesh()
        .x_desc("loss x (dollars)")
        .y_desc("probability")
        .x_label_formatter(&|x| dollars(*x))
        .y_label_formatter(&|y| percent(*y))
        .draw()?;
    let mut steps = Vec::with_capacity(2 * points.len());
    let mut previous = p_any.max(p_min);
    steps.push((x_min, previous));
    for &(x, p) in points.iter().filter(|p| p.0 > x_min) {
        steps.push((x, previous));
        steps.push((x, p.max(p_min)));
        previous = p;
    }
    chart
        .draw_series(LineSeries::new(steps, BLUE.stroke_width(2)))?
        .label("P(total loss > x)")
        .legend(|(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], BLUE.stroke_width(2)));
    let colours = [RGBColor(230, 120, 0), RGBColor(200, 30, 30), RGBColor(120, 0, 160), BLACK];
    for (i, (name, loss)) in boundaries.iter().enumerate() {
        let colour = colours[i.min(colours.len() - 1)];
        chart
            .draw_series(LineSeries::new(
                vec![(*loss, p_min), (*loss, 1.0)],
                colour.stroke_width(1),
            ))?
            .label(format!("{name}: {}", dollars(*loss)))
            .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 20, y)], colour));
    }
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::LowerLeft)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 13))
        .draw()
}

/// The tier-hit probabilities: touched and exhausted, per tier over both waterfalls.
fn tiers(area: &Area<'_>, output: &Output) -> DrawResult {
    let r = &output.report;
    let rows: Vec<_> = r.layers.iter().filter(|l| l.waterfall == "all").collect();
    let n = rows.len();
    let p_min = (0.5 / f64_of(r.summary.paths)).max(P_FLOOR);
    let mut chart = ChartBuilder::on(area)
        .caption("tier hit probabilities (both waterfalls)", ("sans-serif", 18))
        .margin(12)
        .x_label_area_size(40)
        .y_label_area_size(60)
        // Room above 100% for the legend, and below the bars for the tiers' names.
        .build_cartesian_2d(0.0..f64_of(n as u64), (p_min / 10.0..12.0).log_scale())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .x_labels(0)
        .y_desc("probability over the horizon")
        .y_label_formatter(&|y| {
            if *y > 1.0 + 1e-9 || *y < p_min {
                String::new()
            } else {
                percent(*y)
            }
        })
        .draw()?;
    let touched = RGBColor(70, 130, 180);
    let exhausted = RGBColor(200, 30, 30);
    for (i, row) in rows.iter().enumerate() {
        let x = f64_of(i as u64);
        let bars =
            [(row.p_touched, 0.12, touched), (row.p_exhausted.unwrap_or(0.0), 0.5, exhausted)];
        for (p, offset, colour) in bars {
            if p > 0.0 {
                chart.draw_series(std::iter::once(Rectangle::new(
                    [(x + offset, p_min), (x + offset + 0.38, p.max(p_min))],
                    colour.filled(),
                )))?;
                chart.draw_series(std::iter::once(Text::new(
                    percent(p),
                    (x + offset, (p * 1.6).min(1.0)),
                    ("sans-serif", 11),
                )))?;
            }
        }
        // The tier's name in the band below the bars.
        chart.draw_series(std::iter::once(Text::new(
            row.layer.trim_end_matches(" on longs").to_owned(),
            (x + 0.12, p_min / 2.5),
            ("sans-serif", 13).into_font().color(&BLACK),
        )))?;
    }
    chart
        .draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())?
        .label("touched")
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 15, y + 5)], touched.filled()));
    chart
        .draw_series(std::iter::empty::<Rectangle<(f64, f64)>>())?
        .label("exhausted (a loss went past it)")
        .legend(move |(x, y)| Rectangle::new([(x, y - 5), (x + 15, y + 5)], exhausted.filled()));
    chart
        .configure_series_labels()
        .position(SeriesLabelPosition::UpperRight)
        .background_style(WHITE.mix(0.85))
        .border_style(BLACK)
        .label_font(("sans-serif", 13))
        .draw()
}

#[allow(clippy::cast_precision_loss, reason = "plot coordinates")]
fn f64_of(x: u64) -> f64 {
    x as f64
}

/// `12,300,000` as `12.3M`.
fn dollars(x: f64) -> String {
    let a = x.abs();
    if a >= 1e9 {
        format!("{:.3}B", x / 1e9)
    } else if a >= 1e6 {
        format!("{:.1}M", x / 1e6)
    } else if a >= 1e3 {
        format!("{:.0}k", x / 1e3)
    } else {
        format!("{x:.0}")
    }
}

/// `0.0012` as `0.12%`.
fn percent(p: f64) -> String {
    let v = p * 100.0;
    if v >= 10.0 {
        format!("{v:.0}%")
    } else if v >= 1.0 {
        format!("{v:.1}%")
    } else if v >= 0.01 {
        format!("{v:.2}%")
    } else {
        format!("{v:.4}%")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_paths() {
        assert_eq!(dollars(12_300_000.0), "12.3M");
        assert_eq!(dollars(4_600.0), "5k");
        assert_eq!(percent(0.0012), "0.12%");
        assert_eq!(percent(0.25), "25%");
        assert_eq!(percent(0.083), "8.3%");
        assert!(check_path(Path::new("a.SVG")).is_ok());
        assert!(check_path(Path::new("a.png")).unwrap_err().contains("only SVG"));
    }
}
