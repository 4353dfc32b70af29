//! Required parameters are checked at compile time: a call that omits one does not compile.
//! The `.stderr` files pin the compiler's message; refresh them with `TRYBUILD=overwrite`.

#[test]
fn required_parameters_are_checked_at_compile_time() {
    let t = trybuild::TestCases::new();
    t.pass("trybuild/pass/*.rs");
    t.compile_fail("trybuild/fail/*.rs");
}
