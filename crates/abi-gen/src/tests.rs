use super::*;

fn ty(s: &str) -> SolType {
    sol_type(&syn::parse_str::<Type>(s).unwrap()).unwrap()
}

#[test]
fn maps_rust_types_like_the_sdk() {
    assert_eq!(ty("Address").name, "address");
    assert_eq!(ty("U256").name, "uint256");
    assert_eq!(ty("u8").name, "uint8");
    assert_eq!(ty("U64").name, "uint64");
    assert_eq!(ty("i128").name, "int128");
    assert_eq!(ty("I256").name, "int256");
    assert_eq!(ty("B256").name, "bytes32");
    assert_eq!(ty("FixedBytes<4>").name, "bytes4");
    assert_eq!(ty("Vec<B256>"), SolType { name: "bytes32[]".into(), dynamic: true });
    assert_eq!(ty("[U256; 3]").name, "uint256[3]");
    assert_eq!(ty("Result<U256, Error>").name, "uint256");
    assert!(sol_type(&syn::parse_str::<Type>("HashMap<u8, u8>").unwrap()).is_err());
}

#[test]
fn functions_get_sdk_names_mutability_and_returns() {
    let file: syn::File = syn::parse_str(
        r#"
        #[public]
        impl Demo {
            #[constructor]
            pub fn constructor(&mut self, admin: Address) {}
            /// Reads many.
            ///
            /// # Arguments
            ///
            /// * `&self` - Read access.
            /// * `keys` - The keys.
            ///
            /// # Errors
            ///
            /// * [`Error::UnknownKey`] - If a key is unknown.
            pub fn get_many(&self, keys: Vec<B256>) -> Result<Vec<U256>, Error> { todo!() }
            fn set_two(&mut self, a_b: U256, c: bool) -> (u8, U256) { todo!() }
            #[payable]
            #[selector(name = "deposit")]
            pub fn pay_in(&mut self) {}
            pub fn version() -> U256 { todo!() }
        }
        impl Demo { pub fn internal(&self) {} }
        "#,
    )
    .unwrap();
    let mut c = Contract { name: "Demo".into(), ..Contract::default() };
    collect_items(&file.items, "Demo", &mut c).unwrap();
    let sigs: Vec<String> = c.functions.iter().map(Function::signature).collect();
    assert_eq!(sigs, ["getMany(bytes32[])", "setTwo(uint256,bool)", "deposit()", "version()"]);
    assert_eq!(
        c.functions.iter().map(|f| f.mutability).collect::<Vec<_>>(),
        ["view", "", "payable", "pure"]
    );
    assert_eq!(c.constructor.as_ref().unwrap()[0].0, "admin");
    let out = render_interface(&c, "pragma solidity ^0.8.23;");
    assert!(out.contains(
        "function getMany(bytes32[] calldata keys) external view returns (uint256[] memory);"
    ));
    assert!(out.contains("function setTwo(uint256 aB, bool c) external returns (uint8, uint256);"));
    assert!(out.contains("/// @notice Reads many."));
    assert!(out.contains("/// @param keys The keys."));
    assert!(out.contains("/// @dev Errors: `Error::UnknownKey` - If a key is unknown."));
    assert_eq!(out.matches("@dev").count(), 2); // the constructor line and getMany's one tag
    assert!(!out.contains("internal"));
    assert!(!out.contains("&self"));
    // getMany = keccak("getMany(bytes32[])")[..4]
    let h = alloy_primitives::keccak256("getMany(bytes32[])");
    assert_eq!(c.functions[0].selector(), [h[0], h[1], h[2], h[3]]);
}

#[test]
fn sol_blocks_yield_errors_and_events_with_docs() {
    let text = r"
sol! {
    /// Thrown when `key` is unknown.
    #[derive(Debug)]
    error UnknownKey(bytes32 key);

    /// Emitted on a change.
    ///
    /// * `key` - The key.
    event Changed(bytes32 indexed key,
        uint256 value);
}
";
    let d = sol_declarations(text);
    assert_eq!(d.len(), 2);
    assert_eq!(d[0].1, "error UnknownKey(bytes32 key);");
    assert_eq!(d[1].1, "event Changed(bytes32 indexed key, uint256 value);");
    assert_eq!(decl_params(&d[1].1), ["key", "value"]);
    assert_eq!(
        natspec(&d[1].0, &decl_params(&d[1].1)),
        ["@notice Emitted on a change.", "@param key The key."]
    );
}

#[test]
fn export_abi_text_parses_to_signatures() {
    let text = "interface I {\n    function get(bytes32 key) external view returns (uint256);\n    function getMany(bytes32[] memory keys) external view returns (uint256[] memory);\n    function accept() external;\n    error X(uint256);\n}";
    let s = export_abi_functions(text);
    assert_eq!(
        s.into_iter().collect::<Vec<_>>(),
        [
            "accept() nonpayable returns ()",
            "get(bytes32) view returns (uint256)",
            "getMany(bytes32[]) view returns (uint256[])"
        ]
    );
    assert_eq!(export_abi_errors(text).into_iter().collect::<Vec<_>>(), ["X(uint256)"]);
}

#[test]
fn natspec_escapes_tags_and_links() {
    let lines = vec!["See [`Foo::bar`](crate::Foo) at @home.".to_owned()];
    assert_eq!(natspec(&lines, &[]), ["@notice See `Foo::bar` at (at)home."]);
}

#[test]
fn declared_interfaces_parse_to_descriptors() {
    let source = r"
    stylus_sdk::prelude::sol_interface! {
        /// Reads.
        interface IGovernanceParamsLike {
            function nope() external;
        }

        interface IGovernanceParams {
            /// The value of `key`.
            function get(bytes32 key) external view returns (uint256);
            // A comment line.
            function getMany(bytes32[] calldata keys)
                external view returns (uint256[] memory);
            function cover(uint8 kind, bytes32 marketId, uint256 amount) external returns (uint256);
        }

        interface IEmpty {
        }
    }
    ";
    let f = declared_functions(source, "IGovernanceParams").unwrap();
    assert_eq!(
        f.into_iter().collect::<Vec<_>>(),
        [
            "cover(uint8,bytes32,uint256) nonpayable returns (uint256)",
            "get(bytes32) view returns (uint256)",
            "getMany(bytes32[]) view returns (uint256[])"
        ]
    );
    assert!(declared_functions(source, "IMissing").unwrap_err().contains("no `interface"));
    assert!(declared_functions(source, "IEmpty").unwrap_err().contains("no function"));
}
