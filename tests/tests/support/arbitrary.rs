//! proptest strategies shared by the property tests.

use proptest::prelude::*;
use serde_json::Value;

/// Any JSON value, up to four levels deep, with the key names the SDK's outputs use.
pub fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>()
            .prop_filter("finite", |f| f.is_finite())
            .prop_map(Value::from),
        ".{0,12}".prop_map(Value::String),
        "[0-9]{1,20}".prop_map(Value::String),
    ];
    leaf.prop_recursive(4, 48, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("RequestId".to_string()),
                    Just("OrderId".to_string()),
                    Just("TotalCount".to_string()),
                    Just("Type".to_string()),
                    Just("Data".to_string()),
                    Just("CertificateOrderList".to_string()),
                    "[A-Z][a-zA-Z]{0,10}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}
