#include "srtp/OpenSslAesGcm.hpp"

#include <openssl/evp.h>
#include <srtp2/cipher.h>
#include <srtp2/srtp.h>

#include <array>
#include <atomic>
#include <cstring>
#include <new>
#include <string_view>
#include <vector>

namespace jb::srtp {

namespace {

constexpr int kKeyAndSaltLength = SRTP_AES_GCM_128_KEY_LEN_WSALT;  // libsrtp hands the cipher key + salt

std::atomic<bool> installed{false};

// One cipher instance: libsrtp keeps one per direction and stream, and calls set_iv / set_aad /
// encrypt|decrypt / get_tag in that order for every packet.
struct GcmState {
  EVP_CIPHER_CTX* context = nullptr;
  int tagLength = 16;  // RFC 7714 allows 16 or 8 octets
  bool encrypting = true;
};

GcmState* stateOf(void* state) {
  return static_cast<GcmState*>(state);
}

extern srtp_cipher_type_t openSslAesGcm128;  // defined below, after its functions

srtp_err_status_t allocate(srtp_cipher_pointer_t* cipher, int keyLength, int tagLength) {
  if (keyLength != kKeyAndSaltLength || (tagLength != 16 && tagLength != 8)) return srtp_err_status_bad_param;
  // No exception may cross libsrtp's C frames: allocation failures are reported as its status.
  auto* state = new (std::nothrow) GcmState;
  if (state == nullptr) return srtp_err_status_alloc_fail;
  state->context = EVP_CIPHER_CTX_new();
  auto* made = state->context ? new (std::nothrow)
                                    srtp_cipher_t{&openSslAesGcm128, state, keyLength, SRTP_AES_GCM_128}
                              : nullptr;
  if (made == nullptr) {
    EVP_CIPHER_CTX_free(state->context);
    delete state;
    return srtp_err_status_alloc_fail;
  }
  state->tagLength = tagLength;
  *cipher = made;
  return srtp_err_status_ok;
}

srtp_err_status_t deallocate(srtp_cipher_pointer_t cipher) {
  if (auto* state = stateOf(cipher->state)) {
    EVP_CIPHER_CTX_free(state->context);  // clears the key schedule
    delete state;
  }
  delete cipher;
  return srtp_err_status_ok;
}

// The key schedule is set up once per key; each packet then only supplies its IV.
srtp_err_status_t init(void* state, const uint8_t* key) {
  auto* s = stateOf(state);
  EVP_CIPHER_CTX_reset(s->context);
  if (EVP_CipherInit_ex(s->context, EVP_aes_128_gcm(), nullptr, key, nullptr, 1) != 1)
    return srtp_err_status_init_fail;
  return srtp_err_status_ok;
}

srtp_err_status_t setIv(void* state, uint8_t* iv, srtp_cipher_direction_t direction) {
  auto* s = stateOf(state);
  if (direction != srtp_direction_encrypt && direction != srtp_direction_decrypt)
    return srtp_err_status_bad_param;
  s->encrypting = direction == srtp_direction_encrypt;
  if (EVP_CipherInit_ex(s->context, nullptr, nullptr, nullptr, iv, s->encrypting ? 1 : 0) != 1)
    return srtp_err_status_init_fail;
  return srtp_err_status_ok;
}

// libsrtp may call this more than once per packet (SRTCP: the header, then the E-flag and index).
srtp_err_status_t setAad(void* state, const uint8_t* aad, uint32_t length) {
  auto* s = stateOf(state);
  int written = 0;
  if (EVP_CipherUpdate(s->context, nullptr, &written, aad, static_cast<int>(length)) != 1)
    return srtp_err_status_algo_fail;
  return srtp_err_status_ok;
}

// In place; the tag is fetched afterwards with getTag.
srtp_err_status_t encrypt(void* state, uint8_t* buffer, unsigned int* length) {
  auto* s = stateOf(state);
  if (*length == 0) return srtp_err_status_ok;  // SRTCP without encryption: AAD only
  int written = 0;
  if (EVP_CipherUpdate(s->context, buffer, &written, buffer, static_cast<int>(*length)) != 1 ||
      static_cast<unsigned int>(written) != *length)
    return srtp_err_status_cipher_fail;
  return srtp_err_status_ok;
}

srtp_err_status_t getTag(void* state, uint8_t* tag, uint32_t* length) {
  auto* s = stateOf(state);
  uint8_t none[16];
  int written = 0;
  if (EVP_CipherFinal_ex(s->context, none, &written) != 1 ||
      EVP_CIPHER_CTX_ctrl(s->context, EVP_CTRL_GCM_GET_TAG, s->tagLength, tag) != 1)
    return srtp_err_status_algo_fail;
  *length = static_cast<uint32_t>(s->tagLength);
  return srtp_err_status_ok;
}

// `length` covers the ciphertext and the tag after it; on success it shrinks to the plaintext.
srtp_err_status_t decrypt(void* state, uint8_t* buffer, unsigned int* length) {
  auto* s = stateOf(state);
  const auto tagLength = static_cast<unsigned int>(s->tagLength);
  if (*length < tagLength) return srtp_err_status_auth_fail;
  const unsigned int ciphertextLength = *length - tagLength;
  if (EVP_CIPHER_CTX_ctrl(s->context, EVP_CTRL_GCM_SET_TAG, s->tagLength, buffer + ciphertextLength) != 1)
    return srtp_err_status_auth_fail;
  int written = 0;
  if (ciphertextLength > 0 &&
      EVP_CipherUpdate(s->context, buffer, &written, buffer, static_cast<int>(ciphertextLength)) != 1)
    return srtp_err_status_cipher_fail;
  uint8_t none[16];
  if (EVP_CipherFinal_ex(s->context, none, &written) != 1) return srtp_err_status_auth_fail;
  *length = ciphertextLength;
  return srtp_err_status_ok;
}

std::vector<uint8_t> fromHex(std::string_view hex) {
  std::vector<uint8_t> bytes;
  auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    bytes.push_back(static_cast<uint8_t>(nibble(hex[i]) << 4 | nibble(hex[i + 1])));
  return bytes;
}

// Known answer for the kernel's self-test: test case 4 of the GCM specification (McGrew & Viega),
// with a 12-byte salt appended to the key because libsrtp hands ciphers key + salt (the salt is
// folded into the IV by libsrtp itself, so the cipher ignores it).
struct KnownAnswer {
  std::vector<uint8_t> key = fromHex(
      "feffe9928665731c6d6a8f9467308308"
      "000102030405060708090a0b");
  std::vector<uint8_t> iv = fromHex("cafebabefacedbaddecaf888");
  std::vector<uint8_t> plaintext = fromHex(
      "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
      "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b39");
  std::vector<uint8_t> aad = fromHex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  std::vector<uint8_t> ciphertextAndTag = fromHex(
      "42831ec2217774244b7221b784d0d49ce3aa212f2c02a4e035c17e2329aca12e"
      "21d514b25466931c7d8f6a5aac84aa051ba30b396a0aac973d58e091"
      "5bc94fbc3221a5db94fae95ae7121a47");
  srtp_cipher_test_case_t testCase{};

  KnownAnswer() {
    testCase.key_length_octets = kKeyAndSaltLength;
    testCase.key = key.data();
    testCase.idx = iv.data();
    testCase.plaintext_length_octets = static_cast<unsigned>(plaintext.size());
    testCase.plaintext = plaintext.data();
    testCase.ciphertext_length_octets = static_cast<unsigned>(ciphertextAndTag.size());
    testCase.ciphertext = ciphertextAndTag.data();
    testCase.aad_length_octets = static_cast<int>(aad.size());
    testCase.aad = aad.data();
    testCase.tag_length_octets = 16;
    testCase.next_test_case = nullptr;
  }
};

const KnownAnswer& knownAnswer() {
  static const KnownAnswer answer;
  return answer;
}

// Not const: its test data is built at run time, in installOpenSslAesGcm.
srtp_cipher_type_t openSslAesGcm128 = {
    allocate, deallocate,      init, setAad, encrypt, decrypt, setIv, getTag, "AES-128 GCM (OpenSSL EVP)",
    nullptr,  SRTP_AES_GCM_128};

}  // namespace

bool installOpenSslAesGcm() {
  static const bool ok = [] {
    openSslAesGcm128.test_data = &knownAnswer().testCase;
    if (srtp_replace_cipher_type(&openSslAesGcm128, SRTP_AES_GCM_128) != srtp_err_status_ok) return false;
    installed = true;
    return true;
  }();
  return ok;
}

bool usingOpenSslAesGcm() {
  return installed;
}

}  // namespace jb::srtp
