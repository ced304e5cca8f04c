package gateway

import (
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Password hashes are self-describing strings
//
//	pbkdf2-sha256$<iterations>$<salt>$<key>
//
// with salt and key in unpadded standard base64: PBKDF2 (RFC 8018 section
// 5.2) over HMAC-SHA-256, at the iteration count OWASP recommends for it
// (600,000 in 2023). The count travels with the hash, so raising the default
// later leaves the stored hashes readable.
const (
	passwordScheme     = "pbkdf2-sha256"
	passwordIterations = 600_000
	passwordSaltBytes  = 16
	passwordKeyBytes   = sha256.Size
	// minIterations and maxIterations bound the counts checkPassword accepts:
	// below, the hash is too weak to trust; above, one login would burn
	// seconds of CPU (a stored string nobody should have written).
	minIterations = 1_000
	maxIterations = 10_000_000
)

var b64 = base64.RawStdEncoding

// HashPassword returns the self-describing PBKDF2-SHA-256 hash of password
// with a fresh 16-byte salt read from rand and 600,000 iterations. The
// result is what credentials store; checkPassword verifies against it.
func HashPassword(rand io.Reader, password string) (string, error) {
	return hashPasswordIter(rand, password, passwordIterations)
}

// hashPasswordIter is HashPassword with the iteration count chosen by the
// caller; tests use low counts to stay fast.
func hashPasswordIter(rand io.Reader, password string, iter int) (string, error) {
	salt := make([]byte, passwordSaltBytes)
	if _, err := io.ReadFull(rand, salt); err != nil {
		return "", fmt.Errorf("password salt: %w", err)
	}
	key, err := pbkdf2.Key(sha256.New, password, salt, iter, passwordKeyBytes)
	if err != nil {
		return "", fmt.Errorf("hash password: %w", err)
	}
	return passwordScheme + "$" + strconv.Itoa(iter) + "$" + b64.EncodeToString(salt) + "$" + b64.EncodeToString(key), nil
}

// checkPassword reports whether password matches encoded, a string made by
// HashPassword. The keys are compared in constant time (crypto/subtle); an
// encoded string that is malformed, of another scheme or with an iteration
// count outside [minIterations, maxIterations] matches nothing.
func checkPassword(encoded, password string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 4 || parts[0] != passwordScheme {
		return false
	}
	iter, err := strconv.Atoi(parts[1])
	if err != nil || iter < minIterations || iter > maxIterations {
		return false
	}
	salt, err := b64.DecodeString(parts[2])
	if err != nil || len(salt) == 0 {
		return false
	}
	want, err := b64.DecodeString(parts[3])
	if err != nil || len(want) != passwordKeyBytes {
		return false
	}
	got, err := pbkdf2.Key(sha256.New, password, salt, iter, len(want))
	if err != nil {
		return false
	}
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is checked against when the user is unknown (or has no
// password), so that a refusal takes as long as a wrong password and the
// timing does not tell which addresses have credentials. Its all-zero key
// is no password's in practice.
var dummyHash = passwordScheme + "$" + strconv.Itoa(passwordIterations) + "$" +
	b64.EncodeToString(make([]byte, passwordSaltBytes)) + "$" + b64.EncodeToString(make([]byte, passwordKeyBytes))
