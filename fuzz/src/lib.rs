//! What the fuzz targets and the seed generator share: the fixed PKI the `ocsp_response` target
//! verifies against, the byte layout of the `selection` target's input, and what the
//! `responder_request` target holds.
#![forbid(unsafe_code)]

pub mod ocsp_fixture;
pub mod responder_input;
pub mod selection_input;
