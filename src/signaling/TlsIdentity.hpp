#pragma once

#include <boost/asio/ssl/context.hpp>
#include <memory>
#include <string>
#include <vector>

namespace jb::signaling {

// The HTTPS/WSS server's certificate chain and private key, as PEM text.
struct TlsIdentity {
  std::string certificateChainPem;
  std::string privateKeyPem;
};

// Reads both PEM files. Throws std::runtime_error naming the file that cannot be read.
TlsIdentity loadTlsIdentity(const std::string& certificateFile, const std::string& keyFile);

// A fresh self-signed ECDSA P-256 certificate for LAN testing, valid 30 days, with a
// subjectAltName entry per host (IP addresses as iPAddress, anything else as dNSName).
TlsIdentity makeSelfSignedTlsIdentity(const std::vector<std::string>& hosts);

// SHA-256 of the leaf certificate, "AB:CD:..." (what browsers show as the certificate fingerprint).
std::string tlsFingerprintSha256(const TlsIdentity& identity);

// A TLS 1.2+ server context. Throws if the PEM does not parse or the key does not match the certificate.
std::shared_ptr<boost::asio::ssl::context> makeServerTlsContext(const TlsIdentity& identity);

}  // namespace jb::signaling
