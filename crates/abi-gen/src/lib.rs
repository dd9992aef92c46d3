//! Generates each contract's complete Solidity interface from the contract's own Rust
//! source, so the interface users integrate against is never maintained apart from it.
//!
//! stylus-sdk 0.9's `export-abi` prints functions and errors but leaves out events and
//! NatSpec, and skips methods that arrive through `#[implements]` traits. This generator
//! reads the source instead:
//!
//! - every method of every `#[public] impl` block (all of them are exported, `pub` or not;
//!   the constructor, `fallback` and `receive` are special): its Solidity name (the
//!   camelCase of the Rust name, as the SDK does, or its `#[selector(name = ...)]`), its
//!   arguments and returns mapped from the Rust types, its mutability (`&self` is `view`,
//!   `&mut self` non-payable or `#[payable]`, no receiver `pure`), and its rustdoc turned into
//!   NatSpec (`# Arguments` items become `@param`, `# Errors` and `# Events` become `@dev`);
//! - every `error` and `event` declared in the crate's `sol!` blocks, with their docs.
//!
//! It also writes a Solidity contract that calls every function, which the test command
//! compiles with solc, and it checks its own function list against the SDK's export-abi
//! output (`signatures` and [`export_abi_signatures`]), so a method the SDK routes can never
//! be missing from the interface, nor an extra one added.

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;

use convert_case::{Case, Casing};
use syn::{Attribute, Expr, FnArg, ImplItem, Item, Lit, Meta, ReturnType, Type};

/// A Solidity type as the interface spells it, with what a caller needs to know of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SolType {
    /// The canonical name (`uint256`, `bytes32[]`, `address`).
    pub name: String,
    /// Whether it needs a data location (`calldata`/`memory`) in a signature.
    pub dynamic: bool,
}

/// One function of the interface.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Function {
    /// The Solidity name.
    pub name: String,
    /// Argument names (camelCase) and types.
    pub args: Vec<(String, SolType)>,
    /// Return types.
    pub returns: Vec<SolType>,
    /// `view`, `pure`, `payable` or empty (non-payable).
    pub mutability: &'static str,
    /// The rustdoc lines.
    pub docs: Vec<String>,
}

impl Function {
    /// The canonical signature `name(type,type)` whose keccak gives the selector.
    #[must_use]
    pub fn signature(&self) -> String {
        let types: Vec<&str> = self.args.iter().map(|(_, t)| t.name.as_str()).collect();
        format!("{}({})", self.name, types.join(","))
    }

    /// The 4-byte selector.
    #[must_use]
    pub fn selector(&self) -> [u8; 4] {
        let h = alloy_primitives::keccak256(self.signature().as_bytes());
        [h[0], h[1], h[2], h[3]]
    }
}

/// Everything the interface of one contract holds.
#[derive(Clone, Debug, Default)]
pub struct Contract {
    /// The contract's Solidity name (the Rust storage type's name).
    pub name: String,
    /// The crate's first doc paragraph.
    pub summary: Vec<String>,
    /// The constructor's arguments, if any.
    pub constructor: Option<Vec<(String, SolType)>>,
    /// Public functions, in source order.
    pub functions: Vec<Function>,
    /// `error` and `event` declarations, each with its doc lines, in source order.
    pub declarations: Vec<(Vec<String>, String)>,
}

/// Reads every `.rs` file under `crate_dir/src` and collects the interface of the
/// contract whose storage type is `contract`.
///
/// # Errors
/// A file that cannot be read or parsed, a Rust type with no Solidity equivalent, or a
/// contract with no `#[public]` block.
pub fn parse_contract(crate_dir: &Path, contract: &str) -> Result<Contract, String> {
    let mut out = Contract { name: contract.to_owned(), ..Contract::default() };
    let mut files: Vec<_> = std::fs::read_dir(crate_dir.join("src"))
        .map_err(|e| format!("{}: {e}", crate_dir.display()))?
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "rs"))
        .collect();
    files.sort();
    // lib.rs first, so the crate docs and the public block lead.
    files.sort_by_key(|p| p.file_name().is_none_or(|n| n != "lib.rs"));
    for path in files {
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        if name == "tests.rs" || name == "main.rs" {
            continue;
        }
        let text =
            std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let file = syn::parse_file(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        if name == "lib.rs" {
            out.summary = first_paragraph(&doc_lines(&file.attrs));
        }
        collect_items(&file.items, contract, &mut out)
            .map_err(|e| format!("{}: {e}", path.display()))?;
        out.declarations.extend(sol_declarations(&text));
    }
    if out.functions.is_empty() {
        return Err(format!(
            "no #[public] impl block for {contract} under {}",
            crate_dir.display()
        ));
    }
    Ok(out)
}

fn collect_items(items: &[Item], contract: &str, out: &mut Contract) -> Result<(), String> {
    for item in items {
        match item {
            Item::Impl(imp)
                if has_attr(&imp.attrs, "public") && type_name(&imp.self_ty) == contract =>
            {
                for it in &imp.items {
                    if let ImplItem::Fn(f) = it {
                        if has_attr(&f.attrs, "constructor") {
                            out.constructor = Some(args_of(&f.sig)?);
                        } else if !has_attr(&f.attrs, "fallback") && !has_attr(&f.attrs, "receive")
                        {
                            out.functions.push(function_of(f)?);
                        }
                    }
                }
            }
            Item::Mod(m) => {
                if let Some((_, inner)) = &m.content {
                    if !m.attrs.iter().any(|a| a.path().is_ident("cfg")) {
                        collect_items(inner, contract, out)?;
                    }
                }
            }
            _ => {}
        }
    }
    Ok(())
}

fn function_of(f: &syn::ImplItemFn) -> Result<Function, String> {
    let rust_name = f.sig.ident.to_string();
    let name = selector_override(&f.attrs).unwrap_or_else(|| rust_name.to_case(Case::Camel));
    let mutability = match f.sig.inputs.first() {
        Some(FnArg::Receiver(r)) if r.mutability.is_some() => {
            if has_attr(&f.attrs, "payable") {
                "payable"
            } else {
                ""
            }
        }
        Some(FnArg::Receiver(_)) => "view",
        _ => "pure",
    };
    let returns = match &f.sig.output {
        ReturnType::Default => Vec::new(),
        ReturnType::Type(_, ty) => {
            let ty = ok_type(ty);
            match ty {
                Type::Tuple(t) => t.elems.iter().map(sol_type).collect::<Result<_, _>>()?,
                other => vec![sol_type(other)?],
            }
        }
    };
    let returns = returns.into_iter().filter(|t: &SolType| !t.name.is_empty()).collect();
    Ok(Function { name, args: args_of(&f.sig)?, returns, mutability, docs: doc_lines(&f.attrs) })
}

fn args_of(sig: &syn::Signature) -> Result<Vec<(String, SolType)>, String> {
    sig.inputs
        .iter()
        .filter_map(|a| match a {
            FnArg::Typed(p) => Some(p),
            FnArg::Receiver(_) => None,
        })
        .map(|p| {
            let name = match &*p.pat {
                syn::Pat::Ident(i) => {
                    i.ident.to_string().trim_start_matches('_').to_case(Case::Camel)
                }
                _ => "arg".to_owned(),
            };
            Ok((name, sol_type(&p.ty)?))
        })
        .collect()
}

/// `Result<T, E>` is `T`.
fn ok_type(ty: &Type) -> &Type {
    if let Type::Path(p) = ty {
        if let Some(seg) = p.path.segments.last() {
            if seg.ident == "Result" {
                if let syn::PathArguments::AngleBracketed(a) = &seg.arguments {
                    if let Some(syn::GenericArgument::Type(t)) = a.args.first() {
                        return t;
                    }
                }
            }
        }
    }
    ty
}

/// Maps a Rust type to its Solidity type, the way stylus-sdk's `AbiType` does.
///
/// # Errors
/// A type with no Solidity equivalent here.
pub fn sol_type(ty: &Type) -> Result<SolType, String> {
    let fixed = |name: &str| Ok(SolType { name: name.to_owned(), dynamic: false });
    match ty {
        Type::Tuple(t) if t.elems.is_empty() => Ok(SolType { name: String::new(), dynamic: false }),
        Type::Reference(r) => sol_type(&r.elem),
        Type::Array(a) => {
            let inner = sol_type(&a.elem)?;
            let len = match &a.len {
                Expr::Lit(l) => match &l.lit {
                    Lit::Int(i) => i.base10_digits().to_owned(),
                    _ => return Err("array length must be a literal".into()),
                },
                _ => return Err("array length must be a literal".into()),
            };
            Ok(SolType { name: format!("{}[{len}]", inner.name), dynamic: inner.dynamic })
        }
        Type::Path(p) => {
            let seg = p.path.segments.last().ok_or("empty type path")?;
            let ident = seg.ident.to_string();
            let generic = || -> Option<&Type> {
                if let syn::PathArguments::AngleBracketed(a) = &seg.arguments {
                    a.args.iter().find_map(|g| match g {
                        syn::GenericArgument::Type(t) => Some(t),
                        _ => None,
                    })
                } else {
                    None
                }
            };
            match ident.as_str() {
                "Address" => fixed("address"),
                "bool" => fixed("bool"),
                "U256" => fixed("uint256"),
                "I256" => fixed("int256"),
                "B256" => fixed("bytes32"),
                "Bytes" => Ok(SolType { name: "bytes".into(), dynamic: true }),
                "String" => Ok(SolType { name: "string".into(), dynamic: true }),
                "Vec" => {
                    let inner = sol_type(generic().ok_or("Vec without a type")?)?;
                    Ok(SolType { name: format!("{}[]", inner.name), dynamic: true })
                }
                "Result" => sol_type(generic().ok_or("Result without a type")?),
                s if s.len() > 1
                    && (s.starts_with('u') || s.starts_with('U'))
                    && s[1..].parse::<u16>().is_ok() =>
                {
                    fixed(&format!("uint{}", &s[1..]))
                }
                s if s.len() > 1
                    && (s.starts_with('i') || s.starts_with('I'))
                    && s[1..].parse::<u16>().is_ok() =>
                {
                    fixed(&format!("int{}", &s[1..]))
                }
                "FixedBytes" => {
                    if let syn::PathArguments::AngleBracketed(a) = &seg.arguments {
                        if let Some(syn::GenericArgument::Const(Expr::Lit(l))) = a.args.first() {
                            if let Lit::Int(i) = &l.lit {
                                return fixed(&format!("bytes{}", i.base10_digits()));
                            }
                        }
                    }
                    Err("FixedBytes without a literal length".into())
                }
                other => Err(format!("no Solidity type for `{other}`")),
            }
        }
        _ => Err("unsupported type shape".into()),
    }
}

fn type_name(ty: &Type) -> String {
    match ty {
        Type::Path(p) => p.path.segments.last().map(|s| s.ident.to_string()).unwrap_or_default(),
        _ => String::new(),
    }
}

fn has_attr(attrs: &[Attribute], name: &str) -> bool {
    attrs.iter().any(|a| a.path().is_ident(name))
}

fn selector_override(attrs: &[Attribute]) -> Option<String> {
    attrs.iter().filter(|a| a.path().is_ident("selector")).find_map(|a| {
        let mut name = None;
        let _ = a.parse_nested_meta(|m| {
            if m.path.is_ident("name") {
                let lit: syn::LitStr = m.value()?.parse()?;
                name = Some(lit.value());
            }
            Ok(())
        });
        name
    })
}

fn doc_lines(attrs: &[Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter_map(|a| match &a.meta {
            Meta::NameValue(nv) if nv.path.is_ident("doc") => match &nv.value {
                Expr::Lit(syn::ExprLit { lit: Lit::Str(s), .. }) => {
                    Some(s.value().strip_prefix(' ').map_or_else(|| s.value(), str::to_owned))
                }
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn first_paragraph(lines: &[String]) -> Vec<String> {
    lines.iter().take_while(|l| !l.trim().is_empty()).cloned().collect()
}

/// The `error` and `event` declarations of every `sol! { ... }` block in `text`, each with
/// the `///` lines above it (attributes such as `#[derive]` dropped).
#[must_use]
pub fn sol_declarations(text: &str) -> Vec<(Vec<String>, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("sol! {") {
        let body_start = start + "sol! {".len();
        let mut depth = 1usize;
        let mut end = body_start;
        for (i, line) in rest[body_start..].split_inclusive('\n').scan(body_start, |pos, l| {
            let at = *pos;
            *pos += l.len();
            Some((at, l))
        }) {
            if line.trim_start().starts_with("//") {
                continue;
            }
            for (j, c) in line.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = i + j;
                            break;
                        }
                    }
                    _ => {}
                }
            }
            if depth == 0 {
                break;
            }
        }
        let body = &rest[body_start..end];
        let mut docs = Vec::new();
        let mut decl = String::new();
        for line in body.lines() {
            let t = line.trim();
            if let Some(d) = t.strip_prefix("///") {
                docs.push(d.strip_prefix(' ').unwrap_or(d).to_owned());
            } else if t.starts_with("#[") || t.is_empty() && decl.is_empty() {
                // attributes (`#[derive]`) and blank lines between declarations
            } else if t.starts_with("error ") || t.starts_with("event ") || !decl.is_empty() {
                if !decl.is_empty() {
                    decl.push(' ');
                }
                decl.push_str(t);
                if t.ends_with(';') {
                    let d = std::mem::take(&mut decl).replace("( ", "(").replace(" )", ")");
                    out.push((std::mem::take(&mut docs), d));
                }
            } else if !t.starts_with("//") {
                // Anything else (a struct, a function) is not part of the interface.
                docs.clear();
            }
        }
        rest = &rest[end..];
    }
    out
}

/// Turns rustdoc lines into NatSpec lines (without the `///`): the text before the first
/// `#` heading is the `@notice`; `# Arguments` items (or, before any heading, `` * `x` - ``
/// items) for names in `params` become `@param` (an item naming several, `a`, `b`,
/// documents each); `# Errors`, `# Events`, `# Panics` and any other section become one
/// `@dev`, a line per item. Intra-doc links lose their brackets, and `@`
/// is written `(at)` so solc never reads a stray tag.
#[must_use]
pub fn natspec(lines: &[String], params: &[String]) -> Vec<String> {
    let clean = |s: &str| {
        let mut s = s.replace('@', "(at)");
        // [`X`](path) and [`X`] -> `X`
        while let Some(i) = s.find("[`") {
            let Some(j) = s[i..].find("`]").map(|j| i + j) else { break };
            let inner = s[(i + 1)..=j].to_owned();
            let mut tail = j + 2;
            if s[tail..].starts_with('(') {
                if let Some(k) = s[tail..].find(')') {
                    tail += k + 1;
                }
            }
            s.replace_range(i..tail, &inner);
        }
        s.trim_end().to_owned()
    };
    let mut notice: Vec<String> = Vec::new();
    let mut params_out: Vec<String> = Vec::new();
    let mut dev: Vec<String> = Vec::new();
    let mut section = String::new();
    for raw in lines {
        let line = raw.trim_end();
        if let Some(h) = line.strip_prefix("# ") {
            h.trim().clone_into(&mut section);
            continue;
        }
        if line.trim().is_empty() {
            continue;
        }
        let is_param_item = line.trim_start().starts_with("* `") && line.contains("` - ");
        if section.is_empty() && !is_param_item {
            notice.push(clean(line));
        } else if section == "Arguments" || section.is_empty() {
            let item = line.trim_start().trim_start_matches("* ").trim_start_matches("- ");
            let (names, text) = item.split_once(" - ").unwrap_or(("", item));
            let named: Vec<String> = names
                .split(',')
                .map(|n| n.trim().trim_matches('`').to_case(Case::Camel))
                .filter(|n| params.contains(n))
                .collect();
            if named.is_empty() {
                // A continuation of the previous item (a receiver line such as `&self` is dropped).
                if !names.contains("self")
                    && !params_out.is_empty()
                    && !line.trim_start().starts_with('*')
                {
                    params_out.push(clean(line.trim()));
                }
            } else {
                for n in named {
                    params_out.push(format!("@param {n} {}", clean(text)));
                }
            }
        } else {
            let text = clean(line.trim());
            let text = text.trim_start_matches("* ").trim_start_matches("- ");
            dev.push(format!("{section}: {text}"));
        }
    }
    // One tag each: NatSpec continues a tag on the untagged lines that follow it.
    let mut out = Vec::new();
    for (i, l) in notice.into_iter().enumerate() {
        out.push(if i == 0 { format!("@notice {l}") } else { l });
    }
    out.extend(params_out);
    for (i, l) in dev.into_iter().enumerate() {
        out.push(if i == 0 { format!("@dev {l}") } else { l });
    }
    out
}

fn location(t: &SolType, place: &str) -> String {
    if t.dynamic {
        format!("{} {place}", t.name)
    } else {
        t.name.clone()
    }
}

/// The Solidity interface `I<Name>`.
#[must_use]
pub fn render_interface(c: &Contract, pragma: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "// SPDX-License-Identifier: MIT");
    let _ = writeln!(
        s,
        "// Generated by `scripts/gen-abi.sh` (crates/abi-gen) from the Rust source of {}.",
        c.name
    );
    let _ = writeln!(s, "// Do not edit: change the contract's docs or signatures and regenerate.");
    let _ = writeln!(s, "{pragma}\n");
    let _ = writeln!(s, "/// @title I{}", c.name);
    for l in natspec(&c.summary, &[]) {
        let _ = writeln!(s, "/// {l}");
    }
    if let Some(args) = &c.constructor {
        let list: Vec<String> =
            args.iter().map(|(n, t)| format!("{} {n}", location(t, "memory"))).collect();
        let _ = writeln!(s, "/// @dev Constructor: constructor({})", list.join(", "));
    }
    let _ = writeln!(s, "interface I{} {{", c.name);
    for (docs, decl) in &c.declarations {
        let params = decl_params(decl);
        for l in natspec(docs, &params) {
            let _ = writeln!(s, "    /// {l}");
        }
        let _ = writeln!(s, "    {decl}\n");
    }
    for (i, f) in c.functions.iter().enumerate() {
        let params: Vec<String> = f.args.iter().map(|(n, _)| n.clone()).collect();
        for l in natspec(&f.docs, &params) {
            let _ = writeln!(s, "    /// {l}");
        }
        let args: Vec<String> =
            f.args.iter().map(|(n, t)| format!("{} {n}", location(t, "calldata"))).collect();
        let mut line = format!("    function {}({}) external", f.name, args.join(", "));
        if !f.mutability.is_empty() {
            line.push(' ');
            line.push_str(f.mutability);
        }
        if !f.returns.is_empty() {
            let r: Vec<String> = f.returns.iter().map(|t| location(t, "memory")).collect();
            let _ = write!(line, " returns ({})", r.join(", "));
        }
        line.push(';');
        let _ = writeln!(s, "{line}");
        if i + 1 < c.functions.len() {
            s.push('\n');
        }
    }
    s.push_str("}\n");
    s
}

/// The parameter names of an `error`/`event` declaration.
fn decl_params(decl: &str) -> Vec<String> {
    let Some(open) = decl.find('(') else { return Vec::new() };
    let close = decl.rfind(')').unwrap_or(decl.len());
    decl[open + 1..close]
        .split(',')
        .filter_map(|p| p.split_whitespace().last().map(str::to_owned))
        .collect()
}

/// A zero value of a Solidity type, as an expression.
fn zero_of(t: &SolType) -> String {
    let n = &t.name;
    if let Some(inner) = n.strip_suffix("[]") {
        format!("new {inner}[](0)")
    } else if n == "address" {
        "address(0)".into()
    } else if n == "bool" {
        "false".into()
    } else if n == "bytes" || n == "string" {
        "\"\"".into()
    } else if n.starts_with("bytes") {
        format!("{n}(0)")
    } else {
        "0".into()
    }
}

/// A contract that calls every function of the interface once, for the compile check.
#[must_use]
pub fn render_caller(c: &Contract, pragma: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "// SPDX-License-Identifier: MIT");
    let _ = writeln!(
        s,
        "// Generated by `scripts/gen-abi.sh`: compiles only if every function of I{} is callable.",
        c.name
    );
    let _ = writeln!(s, "{pragma}\n");
    let _ = writeln!(s, "import {{I{0}}} from \"../I{0}.sol\";\n", c.name);
    let _ = writeln!(s, "/// @notice Calls each function of I{} with zero arguments.", c.name);
    let _ = writeln!(s, "contract {}Caller {{", c.name);
    let _ = writeln!(s, "    I{} public immutable target;\n", c.name);
    let _ =
        writeln!(s, "    constructor(I{} target_) {{\n        target = target_;\n    }}", c.name);
    for (i, f) in c.functions.iter().enumerate() {
        let args: Vec<String> = f.args.iter().map(|(_, t)| zero_of(t)).collect();
        let mutability =
            if f.mutability == "view" || f.mutability == "pure" { " view" } else { "" };
        let value = if f.mutability == "payable" { "{value: msg.value}" } else { "" };
        let payable = if f.mutability == "payable" { " payable" } else { "" };
        let _ = writeln!(s, "\n    function call{i}_{}() external{mutability}{payable} {{", f.name);
        let _ = writeln!(s, "        target.{}{value}({});", f.name, args.join(", "));
        let _ = writeln!(s, "    }}");
    }
    s.push_str("}\n");
    s
}

/// Each function of the generated interface as `name(types) mutability returns (types)`,
/// the shape [`export_abi_functions`] reads from the SDK's output.
#[must_use]
pub fn function_descriptors(c: &Contract) -> BTreeSet<String> {
    c.functions
        .iter()
        .map(|f| {
            let r: Vec<&str> = f.returns.iter().map(|t| t.name.as_str()).collect();
            descriptor(&f.signature(), f.mutability, &r.join(","))
        })
        .collect()
}

/// The canonical signatures of the generated interface's errors.
#[must_use]
pub fn error_signatures(c: &Contract) -> BTreeSet<String> {
    c.declarations
        .iter()
        .filter_map(|(_, d)| d.strip_prefix("error "))
        .filter_map(canonical)
        .collect()
}

fn descriptor(signature: &str, mutability: &str, returns: &str) -> String {
    let m = if mutability.is_empty() { "nonpayable" } else { mutability };
    format!("{signature} {m} returns ({returns})")
}

/// `name(type a, type b)...` -> `name(type,type)`, dropping names and data locations.
fn canonical(decl: &str) -> Option<String> {
    let open = decl.find('(')?;
    let close = decl[open..].find(')')? + open;
    Some(format!("{}({})", decl[..open].trim(), types_of(&decl[open + 1..close]).join(",")))
}

fn types_of(list: &str) -> Vec<String> {
    list.split(',')
        .filter(|p| !p.trim().is_empty())
        .map(|p| p.split_whitespace().next().unwrap_or_default().to_owned())
        .collect()
}

/// The functions of an `export-abi` interface text, as [`function_descriptors`] spells them.
#[must_use]
pub fn export_abi_functions(text: &str) -> BTreeSet<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("function "))
        .filter_map(|l| {
            let sig = canonical(l)?;
            let after = &l[l.find(')')? + 1..];
            let mutability = ["view", "pure", "payable"]
                .into_iter()
                .find(|m| after.split_whitespace().any(|w| w == *m))
                .unwrap_or("");
            let returns = after
                .find("returns")
                .and_then(|i| {
                    let r = &after[i..];
                    Some(types_of(&r[r.find('(')? + 1..r.rfind(')')?]).join(","))
                })
                .unwrap_or_default();
            Some(descriptor(&sig, mutability, &returns))
        })
        .collect()
}

/// The functions of `interface` as declared in Solidity syntax inside a Rust source file
/// (a `sol_interface!` or `sol!` block), as [`function_descriptors`] spells them: each
/// `function ...;` statement of the interface's body, `//` comment lines dropped. For
/// `--check-subset`, which checks that a crate's declaration of another contract's
/// interface is exactly (a subset of) that contract's generated interface.
///
/// # Errors
/// No `interface <name> {` in `source`, an unclosed body, or a body without functions.
pub fn declared_functions(source: &str, interface: &str) -> Result<BTreeSet<String>, String> {
    let header = format!("interface {interface}");
    let start = source
        .match_indices(&header)
        .map(|(i, _)| i + header.len())
        .find(|&end| source[end..].trim_start().starts_with('{'))
        .ok_or_else(|| format!("no `interface {interface} {{` declared"))?;
    let open = start + source[start..].find('{').unwrap_or_default() + 1;
    let body: String = source[open..]
        .lines()
        .map(str::trim)
        .filter(|l| !l.starts_with("//"))
        .collect::<Vec<_>>()
        .join(" ");
    let close = body.find('}').ok_or_else(|| format!("interface {interface}: no closing brace"))?;
    let functions: BTreeSet<String> = body[..close]
        .split(';')
        .map(str::trim)
        .filter(|statement| statement.starts_with("function "))
        .flat_map(export_abi_functions)
        .collect();
    if functions.is_empty() {
        return Err(format!("interface {interface} declares no function"));
    }
    Ok(functions)
}

/// The errors of an `export-abi` interface text, as canonical signatures.
#[must_use]
pub fn export_abi_errors(text: &str) -> BTreeSet<String> {
    text.lines().filter_map(|l| l.trim().strip_prefix("error ")).filter_map(canonical).collect()
}

#[cfg(test)]
mod tests;
