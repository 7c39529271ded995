//! What the fuzz targets and the seed generator share: the fixed PKI the `ocsp_response` target
//! verifies against, and the byte layout of the `selection` target's input.
#![forbid(unsafe_code)]

pub mod ocsp_fixture;
pub mod selection_input;
