//! The standard PKI of the tests and the demo, and its files.

use std::path::{Path, PathBuf};
use std::time::SystemTime;

use super::authority::{
    Authority, CertSpec, Issued, KeyAlgorithm, OcspSignerOptions, DEFAULT_VALIDITY_DAYS,
};
use super::index::{CaIndex, RevocationReason};
use super::time::now_whole_seconds;
use super::{write_file, PkiError};

/// What [`TestPki::generate`] embeds and how long the certificates last.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TestPkiOptions {
    /// The root's OCSP responder, put in the intermediate's AIA.
    pub root_ocsp_url: Option<String>,
    /// The intermediate's OCSP responder, put in the AIA of `leaf` and `revoked_leaf`.
    pub intermediate_ocsp_url: Option<String>,
    /// Validity of every certificate, in days from now.
    pub validity_days: u32,
    /// Key algorithm of every certificate.
    pub key_algorithm: KeyAlgorithm,
}

impl TestPkiOptions {
    /// Options with these responder URLs, the default validity and ECDSA P-256.
    pub fn new(root_ocsp_url: Option<&str>, intermediate_ocsp_url: Option<&str>) -> Self {
        Self {
            root_ocsp_url: root_ocsp_url.map(str::to_owned),
            intermediate_ocsp_url: intermediate_ocsp_url.map(str::to_owned),
            validity_days: DEFAULT_VALIDITY_DAYS,
            key_algorithm: KeyAlgorithm::default(),
        }
    }
}

impl Default for TestPkiOptions {
    fn default() -> Self {
        Self::new(None, None)
    }
}

/// The standard fixture: a root CA, an intermediate CA, leaves, delegated OCSP signers and an
/// unrelated CA.
///
/// ```text
/// root ("staplekit test root CA", self-signed, no AIA)
/// ├── intermediate   (AIA -> root_ocsp_url)
/// │   ├── leaf               (AIA -> intermediate_ocsp_url)   good
/// │   ├── revoked_leaf       (AIA -> intermediate_ocsp_url)   revoked at `revoked_at`
/// │   ├── leaf_without_aia   (no AIA)                         good
/// │   ├── intermediate_ocsp_signer             EKU OCSPSigning + nocheck
/// │   └── intermediate_signer_without_eku      nocheck only
/// └── root_ocsp_signer                         EKU OCSPSigning + nocheck
/// other_ca ("staplekit test other CA", self-signed, unrelated key)
/// ```
///
/// More leaves, e.g. one pointing at a responder that is down, come from
/// `pki.intermediate.issue_leaf(name, Some(url))` and [`TestPki::chain_der`].
#[derive(Debug)]
pub struct TestPki {
    /// The self-signed root CA.
    pub root: Authority,
    /// The intermediate CA, issued by the root.
    pub intermediate: Authority,
    /// A TLS server certificate for localhost, "good".
    pub leaf: Issued,
    /// A TLS server certificate for localhost, "revoked" in the intermediate's index.
    pub revoked_leaf: Issued,
    /// A TLS server certificate for localhost without AIA, "good".
    pub leaf_without_aia: Issued,
    /// A delegated OCSP signer for the intermediate, with EKU OCSPSigning and nocheck.
    pub intermediate_ocsp_signer: Issued,
    /// A delegated signer for the intermediate without EKU OCSPSigning (relying parties must
    /// reject what it signs), with nocheck.
    pub intermediate_signer_without_eku: Issued,
    /// A delegated OCSP signer for the root, with EKU OCSPSigning and nocheck.
    pub root_ocsp_signer: Issued,
    /// A self-signed CA with its own key that issued none of the above.
    pub other_ca: Authority,
    /// When `revoked_leaf` was revoked (keyCompromise), as the intermediate's index says.
    pub revoked_at: SystemTime,
}

impl TestPki {
    /// Generates the whole fixture.
    pub fn generate(options: &TestPkiOptions) -> Result<Self, PkiError> {
        let ca = |name: &str| {
            CertSpec::ca(name, None)
                .with_validity_days(options.validity_days)
                .with_key_algorithm(options.key_algorithm)
        };
        let root = Authority::new_root(&ca("staplekit test root CA"))?;
        let intermediate = root.issue_intermediate(
            "staplekit test intermediate CA",
            options.root_ocsp_url.as_deref(),
        )?;
        let leaf_url = options.intermediate_ocsp_url.as_deref();
        let leaf = intermediate.issue_leaf("staplekit test leaf", leaf_url)?;
        let revoked_leaf = intermediate.issue_leaf("staplekit test revoked leaf", leaf_url)?;
        let leaf_without_aia = intermediate.issue_leaf("staplekit test leaf without AIA", None)?;
        let intermediate_ocsp_signer = intermediate.issue_ocsp_signer(
            "staplekit test intermediate OCSP signer",
            OcspSignerOptions::STANDARD,
        )?;
        let intermediate_signer_without_eku = intermediate.issue_ocsp_signer(
            "staplekit test intermediate signer without EKU",
            OcspSignerOptions {
                ocsp_signing_eku: false,
                ..OcspSignerOptions::STANDARD
            },
        )?;
        let root_ocsp_signer = root.issue_ocsp_signer(
            "staplekit test root OCSP signer",
            OcspSignerOptions::STANDARD,
        )?;
        let other_ca = Authority::new_root(&ca("staplekit test other CA"))?;
        Ok(Self {
            root,
            intermediate,
            leaf,
            revoked_leaf,
            leaf_without_aia,
            intermediate_ocsp_signer,
            intermediate_signer_without_eku,
            root_ocsp_signer,
            other_ca,
            revoked_at: now_whole_seconds(),
        })
    }

    /// `cert` followed by the intermediate and the root, DER, leaf first. `cert` must be one the
    /// intermediate issued for the chain to be valid.
    pub fn chain_der(&self, cert: &Issued) -> Vec<Vec<u8>> {
        vec![
            cert.der.clone(),
            self.intermediate.cert().der.clone(),
            self.root.cert().der.clone(),
        ]
    }

    /// The same chain as [`TestPki::chain_der`], as concatenated PEM.
    pub fn chain_pem(&self, cert: &Issued) -> String {
        [
            cert.pem.as_str(),
            &self.intermediate.cert().pem,
            &self.root.cert().pem,
        ]
        .concat()
    }

    /// `leaf`, intermediate, root.
    pub fn leaf_chain_der(&self) -> Vec<Vec<u8>> {
        self.chain_der(&self.leaf)
    }

    /// `revoked_leaf`, intermediate, root.
    pub fn revoked_chain_der(&self) -> Vec<Vec<u8>> {
        self.chain_der(&self.revoked_leaf)
    }

    /// The root's database: the intermediate and the root's OCSP signer, both valid.
    pub fn root_index(&self) -> CaIndex {
        let mut index = CaIndex::new();
        index
            .add_valid(self.intermediate.cert())
            .add_valid(&self.root_ocsp_signer);
        index
    }

    /// The intermediate's database: `revoked_leaf` revoked (keyCompromise, at `revoked_at`),
    /// everything else it issued valid. Add extra leaves with [`CaIndex::add_valid`].
    pub fn intermediate_index(&self) -> CaIndex {
        let mut index = CaIndex::new();
        index
            .add_valid(&self.leaf)
            .add_revoked(
                &self.revoked_leaf,
                self.revoked_at,
                Some(RevocationReason::KeyCompromise),
            )
            .add_valid(&self.leaf_without_aia)
            .add_valid(&self.intermediate_ocsp_signer)
            .add_valid(&self.intermediate_signer_without_eku);
        index
    }

    /// Writes every certificate, key and chain as PEM into `dir` (which must exist), under the
    /// names listed in [`PemFiles`], replacing files of the same names.
    pub fn write_pem_files(&self, dir: &Path) -> Result<PemFiles, PkiError> {
        let files = PemFiles::in_dir(dir);
        let root = self.root.cert();
        let intermediate = self.intermediate.cert();
        let other_ca = self.other_ca.cert();
        let pairs: [(&Issued, &Path, &Path); 9] = [
            (root, &files.root, &files.root_key),
            (intermediate, &files.intermediate, &files.intermediate_key),
            (&self.leaf, &files.leaf, &files.leaf_key),
            (
                &self.revoked_leaf,
                &files.revoked_leaf,
                &files.revoked_leaf_key,
            ),
            (
                &self.leaf_without_aia,
                &files.leaf_without_aia,
                &files.leaf_without_aia_key,
            ),
            (
                &self.intermediate_ocsp_signer,
                &files.intermediate_ocsp_signer,
                &files.intermediate_ocsp_signer_key,
            ),
            (
                &self.intermediate_signer_without_eku,
                &files.intermediate_signer_without_eku,
                &files.intermediate_signer_without_eku_key,
            ),
            (
                &self.root_ocsp_signer,
                &files.root_ocsp_signer,
                &files.root_ocsp_signer_key,
            ),
            (other_ca, &files.other_ca, &files.other_ca_key),
        ];
        for (issued, cert_path, key_path) in pairs {
            issued.write_pem(cert_path, key_path)?;
        }
        let chains = [
            (&self.leaf, &files.leaf_chain),
            (&self.revoked_leaf, &files.revoked_chain),
            (&self.leaf_without_aia, &files.leaf_without_aia_chain),
        ];
        for (issued, path) in chains {
            write_file(path, self.chain_pem(issued).as_bytes())?;
        }
        Ok(files)
    }

    /// Writes [`TestPki::root_index`] and [`TestPki::intermediate_index`] into `dir` as
    /// `root-index.txt` and `intermediate-index.txt`.
    pub fn write_index_files(&self, dir: &Path) -> Result<IndexFiles, PkiError> {
        let files = IndexFiles {
            root: dir.join("root-index.txt"),
            intermediate: dir.join("intermediate-index.txt"),
        };
        self.root_index().write(&files.root)?;
        self.intermediate_index().write(&files.intermediate)?;
        Ok(files)
    }
}

/// Where [`TestPki::write_pem_files`] put each file. Certificates are `*.pem` (one
/// `CERTIFICATE`), keys `*.key` (PKCS#8 `PRIVATE KEY`), chains `*-chain.pem` (the certificate,
/// the intermediate, the root).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PemFiles {
    /// `root.pem`
    pub root: PathBuf,
    /// `root.key`
    pub root_key: PathBuf,
    /// `intermediate.pem`
    pub intermediate: PathBuf,
    /// `intermediate.key`
    pub intermediate_key: PathBuf,
    /// `leaf.pem`
    pub leaf: PathBuf,
    /// `leaf.key`
    pub leaf_key: PathBuf,
    /// `leaf-chain.pem`: leaf, intermediate, root.
    pub leaf_chain: PathBuf,
    /// `revoked-leaf.pem`
    pub revoked_leaf: PathBuf,
    /// `revoked-leaf.key`
    pub revoked_leaf_key: PathBuf,
    /// `revoked-chain.pem`: revoked leaf, intermediate, root.
    pub revoked_chain: PathBuf,
    /// `leaf-without-aia.pem`
    pub leaf_without_aia: PathBuf,
    /// `leaf-without-aia.key`
    pub leaf_without_aia_key: PathBuf,
    /// `leaf-without-aia-chain.pem`: leaf without AIA, intermediate, root.
    pub leaf_without_aia_chain: PathBuf,
    /// `intermediate-ocsp-signer.pem`
    pub intermediate_ocsp_signer: PathBuf,
    /// `intermediate-ocsp-signer.key`
    pub intermediate_ocsp_signer_key: PathBuf,
    /// `intermediate-signer-without-eku.pem`
    pub intermediate_signer_without_eku: PathBuf,
    /// `intermediate-signer-without-eku.key`
    pub intermediate_signer_without_eku_key: PathBuf,
    /// `root-ocsp-signer.pem`
    pub root_ocsp_signer: PathBuf,
    /// `root-ocsp-signer.key`
    pub root_ocsp_signer_key: PathBuf,
    /// `other-ca.pem`
    pub other_ca: PathBuf,
    /// `other-ca.key`
    pub other_ca_key: PathBuf,
}

impl PemFiles {
    /// The paths of the files in `dir`, without touching the file system.
    pub fn in_dir(dir: &Path) -> Self {
        let p = |name: &str| dir.join(name);
        Self {
            root: p("root.pem"),
            root_key: p("root.key"),
            intermediate: p("intermediate.pem"),
            intermediate_key: p("intermediate.key"),
            leaf: p("leaf.pem"),
            leaf_key: p("leaf.key"),
            leaf_chain: p("leaf-chain.pem"),
            revoked_leaf: p("revoked-leaf.pem"),
            revoked_leaf_key: p("revoked-leaf.key"),
            revoked_chain: p("revoked-chain.pem"),
            leaf_without_aia: p("leaf-without-aia.pem"),
            leaf_without_aia_key: p("leaf-without-aia.key"),
            leaf_without_aia_chain: p("leaf-without-aia-chain.pem"),
            intermediate_ocsp_signer: p("intermediate-ocsp-signer.pem"),
            intermediate_ocsp_signer_key: p("intermediate-ocsp-signer.key"),
            intermediate_signer_without_eku: p("intermediate-signer-without-eku.pem"),
            intermediate_signer_without_eku_key: p("intermediate-signer-without-eku.key"),
            root_ocsp_signer: p("root-ocsp-signer.pem"),
            root_ocsp_signer_key: p("root-ocsp-signer.key"),
            other_ca: p("other-ca.pem"),
            other_ca_key: p("other-ca.key"),
        }
    }
}

/// Where [`TestPki::write_index_files`] put the OpenSSL CA databases.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexFiles {
    /// `root-index.txt`
    pub root: PathBuf,
    /// `intermediate-index.txt`
    pub intermediate: PathBuf,
}

#[cfg(test)]
mod tests {
    use std::process::Command;
    use std::time::Duration;

    use x509_parser::extensions::{GeneralName, ParsedExtension};
    use x509_parser::prelude::{FromDer, X509Certificate};

    use super::*;
    use crate::openssl::run_bounded;

    const ROOT_URL: &str = "http://127.0.0.1:4001/";
    const INTERMEDIATE_URL: &str = "http://127.0.0.1:4002/";

    fn generate() -> TestPki {
        TestPki::generate(&TestPkiOptions::new(Some(ROOT_URL), Some(INTERMEDIATE_URL))).unwrap()
    }

    /// Runs `openssl ARGS...` (bounded) and returns (success, stdout + stderr).
    fn openssl<I, S>(args: I) -> (bool, String)
    where
        I: IntoIterator<Item = S>,
        S: AsRef<std::ffi::OsStr>,
    {
        let out = run_bounded(Command::new("openssl").args(args), Duration::from_secs(15)).unwrap();
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        (out.status.success(), text)
    }

    fn x509_text(path: &Path) -> String {
        let (ok, text) = openssl([
            "x509".as_ref(),
            "-noout".as_ref(),
            "-text".as_ref(),
            "-in".as_ref(),
            path.as_os_str(),
        ]);
        assert!(ok, "{text}");
        text
    }

    fn ocsp_url(der: &[u8]) -> Option<String> {
        let (_, cert) = X509Certificate::from_der(der).unwrap();
        cert.extensions()
            .iter()
            .find_map(|ext| match ext.parsed_extension() {
                ParsedExtension::AuthorityInfoAccess(aia) => aia
                    .accessdescs
                    .iter()
                    .filter(|d| d.access_method.to_id_string() == "1.3.6.1.5.5.7.48.1")
                    .find_map(|d| match d.access_location {
                        GeneralName::URI(uri) => Some(uri.to_owned()),
                        _ => None,
                    }),
                _ => None,
            })
    }

    #[test]
    fn openssl_verifies_every_leaf_chain() {
        let pki = generate();
        let dir = tempfile::tempdir().unwrap();
        let files = pki.write_pem_files(dir.path()).unwrap();
        for leaf in [&files.leaf, &files.revoked_leaf, &files.leaf_without_aia] {
            let (ok, text) = openssl([
                "verify".as_ref(),
                "-purpose".as_ref(),
                "sslserver".as_ref(),
                "-CAfile".as_ref(),
                files.root.as_os_str(),
                "-untrusted".as_ref(),
                files.intermediate.as_os_str(),
                leaf.as_os_str(),
            ]);
            assert!(ok && text.contains(": OK"), "{}: {text}", leaf.display());
        }
        // The unrelated CA does not anchor the chain.
        let (ok, _) = openssl([
            "verify".as_ref(),
            "-CAfile".as_ref(),
            files.other_ca.as_os_str(),
            "-untrusted".as_ref(),
            files.intermediate.as_os_str(),
            files.leaf.as_os_str(),
        ]);
        assert!(!ok);
    }

    #[test]
    fn chain_files_hold_leaf_intermediate_root() {
        let pki = generate();
        let dir = tempfile::tempdir().unwrap();
        let files = pki.write_pem_files(dir.path()).unwrap();
        let chain = std::fs::read_to_string(&files.leaf_chain).unwrap();
        assert_eq!(
            chain,
            [
                pki.leaf.pem.as_str(),
                &pki.intermediate.cert().pem,
                &pki.root.cert().pem
            ]
            .concat()
        );
        assert_eq!(
            pki.revoked_chain_der(),
            [
                pki.revoked_leaf.der.clone(),
                pki.intermediate.cert().der.clone(),
                pki.root.cert().der.clone()
            ]
        );
        let key = std::fs::read_to_string(&files.leaf_key).unwrap();
        assert_eq!(key, pki.leaf.key_pem);
        assert!(key.starts_with("-----BEGIN PRIVATE KEY-----"));
        // Every listed file exists, and nothing else was written.
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 21);
    }

    #[test]
    fn aia_urls_point_at_the_issuers_responders() {
        let pki = generate();
        assert_eq!(ocsp_url(&pki.leaf.der).as_deref(), Some(INTERMEDIATE_URL));
        assert_eq!(
            ocsp_url(&pki.revoked_leaf.der).as_deref(),
            Some(INTERMEDIATE_URL)
        );
        assert_eq!(
            ocsp_url(&pki.intermediate.cert().der).as_deref(),
            Some(ROOT_URL)
        );
        assert_eq!(ocsp_url(&pki.leaf_without_aia.der), None);
        assert_eq!(ocsp_url(&pki.root.cert().der), None);

        let dir = tempfile::tempdir().unwrap();
        let files = pki.write_pem_files(dir.path()).unwrap();
        let text = x509_text(&files.leaf);
        assert!(text.contains("Authority Information Access"), "{text}");
        assert!(
            text.contains(&format!("OCSP - URI:{INTERMEDIATE_URL}")),
            "{text}"
        );
        assert!(x509_text(&files.intermediate).contains(&format!("OCSP - URI:{ROOT_URL}")));
        assert!(!x509_text(&files.leaf_without_aia).contains("Authority Information Access"));
    }

    #[test]
    fn openssl_sees_signer_eku_and_nocheck_as_generated() {
        let pki = generate();
        let dir = tempfile::tempdir().unwrap();
        let files = pki.write_pem_files(dir.path()).unwrap();
        for (path, eku) in [
            (&files.intermediate_ocsp_signer, true),
            (&files.intermediate_signer_without_eku, false),
            (&files.root_ocsp_signer, true),
        ] {
            let text = x509_text(path);
            assert_eq!(text.contains("OCSP Signing"), eku, "{text}");
            assert!(text.contains("OCSP No Check"), "{text}");
        }
        let leaf = x509_text(&files.leaf);
        assert!(leaf.contains("TLS Web Server Authentication"), "{leaf}");
        assert!(!leaf.contains("OCSP No Check"));
        assert!(
            leaf.contains("DNS:localhost, IP Address:127.0.0.1"),
            "{leaf}"
        );

        // The signers chain to their CAs.
        let (ok, text) = openssl([
            "verify".as_ref(),
            "-CAfile".as_ref(),
            files.root.as_os_str(),
            "-untrusted".as_ref(),
            files.intermediate.as_os_str(),
            files.intermediate_ocsp_signer.as_os_str(),
            files.root_ocsp_signer.as_os_str(),
        ]);
        assert!(ok, "{text}");
    }

    #[test]
    fn indexes_list_what_each_ca_issued() {
        let pki = generate();
        let intermediate = pki.intermediate_index().to_text();
        let lines: Vec<&str> = intermediate.lines().collect();
        assert_eq!(lines.len(), 5);
        assert!(lines[0].starts_with("V\t"));
        assert!(lines[0].contains(&format!(
            "\t{}\tunknown\t/CN=staplekit test leaf",
            pki.leaf.serial_hex()
        )));
        let revoked: Vec<&str> = lines[1].split('\t').collect();
        assert_eq!(revoked[0], "R");
        assert!(revoked[2].ends_with("Z,keyCompromise"), "{}", lines[1]);
        assert_eq!(revoked[3], pki.revoked_leaf.serial_hex());

        let root = pki.root_index().to_text();
        assert!(root.contains(&pki.intermediate.cert().serial_hex()));
        assert!(root.contains(&pki.root_ocsp_signer.serial_hex()));
        assert!(!root.contains(&pki.leaf.serial_hex()));

        let dir = tempfile::tempdir().unwrap();
        let files = pki.write_index_files(dir.path()).unwrap();
        assert_eq!(
            std::fs::read_to_string(files.intermediate).unwrap(),
            intermediate
        );
        assert_eq!(std::fs::read_to_string(files.root).unwrap(), root);
    }

    #[test]
    fn options_set_validity_and_key_algorithm() {
        let options = TestPkiOptions {
            validity_days: 3,
            key_algorithm: KeyAlgorithm::EcdsaP384,
            ..TestPkiOptions::default()
        };
        let pki = TestPki::generate(&options).unwrap();
        for cert in [&pki.leaf, pki.intermediate.cert(), &pki.root_ocsp_signer] {
            let lifetime = cert.not_after.duration_since(cert.not_before).unwrap();
            assert_eq!(lifetime, Duration::from_secs(3 * 86_400 + 3600));
            let (_, parsed) = X509Certificate::from_der(&cert.der).unwrap();
            assert_eq!(
                parsed.signature_algorithm.algorithm.to_id_string(),
                "1.2.840.10045.4.3.3"
            );
        }
        assert_eq!(ocsp_url(&pki.leaf.der), None);
    }
}
