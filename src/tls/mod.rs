//! TLS wire formats for certificate status: ClientHello `status_request` / `status_request_v2`,
//! the JDK's selection rules, the CertificateStatus message and TLS 1.3 CertificateEntry data.
