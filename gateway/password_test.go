package gateway

import (
	"context"
	"errors"
	"math/rand/v2"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"postdesk/store"
)

// HashPassword writes the self-describing form at the default strength.
// (Checking it would cost 600,000 iterations; hashPasswordIter is the same
// code at a count the suite can afford.)
func TestHashPasswordFormat(t *testing.T) {
	t.Parallel() // a full-strength hash: seconds under -race
	r := rand.NewChaCha8([32]byte{3})
	a, err := HashPassword(r, "secret")
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(a, "$")
	if len(parts) != 4 || parts[0] != "pbkdf2-sha256" || parts[1] != "600000" {
		t.Fatalf("hash %q is not pbkdf2-sha256$600000$salt$key", a)
	}
	if salt, err := b64.DecodeString(parts[2]); err != nil || len(salt) != 16 {
		t.Errorf("salt %q: %d bytes, %v; want 16", parts[2], len(salt), err)
	}
	if key, err := b64.DecodeString(parts[3]); err != nil || len(key) != 32 {
		t.Errorf("key %q: %d bytes, %v; want 32", parts[3], len(key), err)
	}
	if b, _ := hashPasswordIter(r, "secret", minIterations); strings.Split(b, "$")[2] == parts[2] {
		t.Error("two hashes of one password share a salt")
	}
	if _, err := HashPassword(failingReader{}, "secret"); err == nil {
		t.Error("a failing random source gave a hash")
	}
}

type failingReader struct{}

func (failingReader) Read([]byte) (int, error) { return 0, errors.New("no entropy") }

func TestCheckPassword(t *testing.T) {
	r := rand.NewChaCha8([32]byte{4})
	good, err := hashPasswordIter(r, "correct horse", minIterations)
	if err != nil {
		t.Fatal(err)
	}
	if !checkPassword(good, "correct horse") {
		t.Fatal("the right password does not match")
	}
	parts := strings.Split(good, "$")
	flip := func(s string) string { // changes the first character, staying base64
		if s[0] == 'A' {
			return "B" + s[1:]
		}
		return "A" + s[1:]
	}
	weak, _ := hashPasswordIter(r, "correct horse", minIterations-1)
	for name, enc := range map[string]string{
		"tampered key":      strings.Join([]string{parts[0], parts[1], parts[2], flip(parts[3])}, "$"),
		"tampered salt":     strings.Join([]string{parts[0], parts[1], flip(parts[2]), parts[3]}, "$"),
		"tampered count":    strings.Join([]string{parts[0], strconv.Itoa(minIterations + 1), parts[2], parts[3]}, "$"),
		"other scheme":      strings.Join([]string{"pbkdf2-sha1", parts[1], parts[2], parts[3]}, "$"),
		"too few":           weak,
		"too many":          strings.Join([]string{parts[0], strconv.Itoa(maxIterations + 1), parts[2], parts[3]}, "$"),
		"negative count":    strings.Join([]string{parts[0], "-1", parts[2], parts[3]}, "$"),
		"count not numeric": strings.Join([]string{parts[0], "many", parts[2], parts[3]}, "$"),
		"short key":         strings.Join([]string{parts[0], parts[1], parts[2], parts[3][:20]}, "$"),
		"bad base64":        strings.Join([]string{parts[0], parts[1], parts[2], "!!" + parts[3][2:]}, "$"),
		"missing field":     strings.Join(parts[:3], "$"),
		"extra field":       good + "$x",
		"empty":             "",
	} {
		start := time.Now()
		if checkPassword(enc, "correct horse") {
			t.Errorf("%s: %q matches", name, enc)
		}
		if name == "too many" && time.Since(start) > time.Second {
			t.Errorf("too many: the hash was computed before the count was refused")
		}
	}
	if checkPassword(good, "correct horsE") || checkPassword(good, "") || checkPassword(good, "correct horse ") {
		t.Error("a wrong password matches")
	}
	// The stand-in hash for unknown users is well formed, so checking it
	// costs what a real check costs, and it matches nothing.
	dp := strings.Split(dummyHash, "$")
	if len(dp) != 4 || dp[0] != passwordScheme || dp[1] != strconv.Itoa(passwordIterations) {
		t.Fatalf("dummyHash %q", dummyHash)
	}
	if salt, _ := b64.DecodeString(dp[2]); len(salt) != passwordSaltBytes {
		t.Errorf("dummyHash salt: %d bytes", len(salt))
	}
	if key, _ := b64.DecodeString(dp[3]); len(key) != passwordKeyBytes {
		t.Errorf("dummyHash key: %d bytes", len(key))
	}
}

func TestReadPassword(t *testing.T) {
	for in, want := range map[string]string{
		"secret\n":          "secret",
		"secret\r\n":        "secret",
		"secret":            "secret",
		" spaced secret \n": " spaced secret ",
		"first\nsecond\n":   "first",
		strings.Repeat("x", maxPasswordBytes) + "\n": strings.Repeat("x", maxPasswordBytes),
	} {
		got, err := ReadPassword(strings.NewReader(in))
		if err != nil || got != want {
			t.Errorf("ReadPassword(%.20q) = %.20q, %v; want %.20q", in, got, err, want)
		}
	}
	for _, in := range []string{"", "\n", "\r\n", strings.Repeat("x", maxPasswordBytes+1) + "\n", strings.Repeat("x", 5000)} {
		if got, err := ReadPassword(strings.NewReader(in)); err == nil {
			t.Errorf("ReadPassword(%.20q) = %.20q, want an error", in, got)
		}
	}
}

// SetPassword refuses an empty password and an unknown user before hashing.
func TestSetPasswordRefusals(t *testing.T) {
	clock := &fakeClock{t: time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)}
	deps := testDeps(clock, &fakeDNS{})
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "desk.db"), store.Options{Now: clock.Now})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if err := SetPassword(context.Background(), st, deps, "nobody@desk.example", "secret"); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("unknown user: %v, want ErrNotFound", err)
	}
	if err := AddUser(context.Background(), st, deps, agent); err != nil {
		t.Fatal(err)
	}
	if err := SetPassword(context.Background(), st, deps, agent.Email, ""); err == nil {
		t.Error("an empty password was stored")
	}
	if _, found, err := st.PasswordHash(context.Background(), agent.Email); err != nil || found {
		t.Errorf("after refusals: found %v, %v", found, err)
	}
}
