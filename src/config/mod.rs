//! Configuration: the JDK's `jdk.tls.stapling.*` properties and staplekit's own `staplekit.*` ones.
