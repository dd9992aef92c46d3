# Sourced by gen-abi.sh and check-abi.sh: lists "crate_dir package Contract" for every
# contract under contracts/, reading `[package.metadata.mutual] contract = "Name"`.
abi_contracts() {
    local toml dir pkg name
    for toml in contracts/*/Cargo.toml; do
        [ -e "$toml" ] || continue
        dir=$(dirname "$toml")
        pkg=$(sed -n 's/^name *= *"\(.*\)"/\1/p' "$toml" | head -n 1)
        name=$(sed -n '/^\[package.metadata.mutual\]/,/^\[/s/^contract *= *"\(.*\)"/\1/p' "$toml")
        if [ -z "$name" ]; then
            echo "abi: $toml has no [package.metadata.mutual] contract = \"...\"" >&2
            return 1
        fi
        echo "$dir $pkg $name"
    done
}
