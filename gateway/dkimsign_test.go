package gateway

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"testing"

	"github.com/emersion/go-msgauth/dkim"
)

// dkimSignedHeaders are the fields signDKIM signs, RFC 6376 section 5.4.1's
// advice; a field the mail lacks adds nothing to the signature (section
// 5.4), so the list may name more than the mail has.
var dkimSignedHeaders = []string{"From", "Reply-To", "Subject", "Date", "To", "Cc",
	"Message-ID", "In-Reply-To", "References", "MIME-Version", "Content-Type",
	"Content-Transfer-Encoding"}

// signDKIM signs raw for domain with a fresh Ed25519 key (RFC 8463) under
// selector, relaxed/relaxed, covering dkimSignedHeaders. It returns the mail
// with its DKIM-Signature field prepended, and the TXT record to publish
// (RFC 6376 section 3.6.1) under the returned name,
// <selector>._domainkey.<domain>. raw must have a From field.
func signDKIM(t testing.TB, raw []byte, domain, selector string) (signed []byte, txtName, txtRecord string) {
	t.Helper()
	_, key, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	signed, txtRecord = signDKIMWith(t, raw, domain, selector, key)
	return signed, selector + "._domainkey." + domain, txtRecord
}

// signDKIMWith is signDKIM with the caller's key, an ed25519.PrivateKey or an
// *rsa.PrivateKey; it returns the signed mail and the key's TXT record.
func signDKIMWith(t testing.TB, raw []byte, domain, selector string, key crypto.Signer) (signed []byte, txtRecord string) {
	t.Helper()
	var record string
	switch pub := key.Public().(type) {
	case ed25519.PublicKey:
		// RFC 8463 section 4.2: p= is the bare 32-byte key.
		record = "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)
	case *rsa.PublicKey:
		der, err := x509.MarshalPKIXPublicKey(pub)
		if err != nil {
			t.Fatal(err)
		}
		record = "v=DKIM1; k=rsa; p=" + base64.StdEncoding.EncodeToString(der)
	default:
		t.Fatalf("signDKIM: unsupported key %T", pub)
	}
	var out bytes.Buffer
	err := dkim.Sign(&out, bytes.NewReader(raw), &dkim.SignOptions{
		Domain: domain, Selector: selector, Signer: key,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed,
		BodyCanonicalization:   dkim.CanonicalizationRelaxed,
		HeaderKeys:             dkimSignedHeaders,
	})
	if err != nil {
		t.Fatalf("dkim sign: %v", err)
	}
	return out.Bytes(), record
}
