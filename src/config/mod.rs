//! Configuration: the JDK's stapling properties and staplekit's own `staplekit.*` ones.

pub mod java_number;
