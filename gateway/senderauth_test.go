package gateway

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"fmt"
	"net"
	"strings"
	"sync/atomic"
	"testing"
)

func TestAligned(t *testing.T) {
	tests := []struct {
		from, sign string
		want       bool
	}{
		{"client.example", "client.example", true},
		{"client.example", "mail.client.example", true}, // relaxed: same organizational domain
		{"mail.client.example", "client.example", true},
		{"a.client.example", "b.client.example", true},
		{"client.example", "other.example", false},
		{"client.example", "client.example.net", false},
		{"client.example", "xclient.example", false},
		{"Client.EXAMPLE", "mail.client.example.", true}, // case and trailing dot ignored
		{"client.example.", "CLIENT.example", true},
		{"a.co.uk", "b.co.uk", false}, // co.uk is a public suffix
		{"a.co.uk", "mail.a.co.uk", true},
		{"a.co.uk", "co.uk", false}, // a public suffix vouches for no one
		{"co.uk", "a.co.uk", false},
		{"co.uk", "co.uk", true},
		{"uk", "a.uk", false},
		{"example.com", "com", false},
		{"a.github.io", "b.github.io", false}, // private section of the list
		{"a.github.io", "github.io", false},
		{"localhost", "localhost", true},
		{"localhost", "mail.localhost", true}, // unlisted bare name: its subdomains align
		{"mail.localhost", "localhost", true},
		{"a.localhost", "b.localhost", false},
		{"example", "client.example", true},
		{"test", "x.test", true},
		{"desk", "desk", true},
		{"desk", "other", false},
		{"localhost", "notlocalhost", false},
		{"bücher.example", "xn--bcher-kva.example", true}, // U-label and A-label
		{"mail.bücher.example", "BÜCHER.example", true},
		{"", "", false},
		{"client.example", "", false},
		{"", "client.example", false},
		{".", ".", false},
		{".example", ".example", false}, // empty label
		{"client..example", "client..example", false},
		{"127.0.0.1", "127.0.0.1", false}, // an IP is no domain
		{"10.0.0.1", "192.168.0.1", false},
		{"[192.0.2.1]", "[192.0.2.1]", false},
		{"::1", "::1", false},
	}
	for _, tc := range tests {
		if got := aligned(tc.from, tc.sign); got != tc.want {
			t.Errorf("aligned(%q, %q) = %v, want %v", tc.from, tc.sign, got, tc.want)
		}
	}
}

// customerMail is a reply of the kind a customer's mail system signs.
const customerMail = `From: Ann Example <ann@client.example>
To: support@desk.example
Subject: Re: [TKT-12] Printer on fire
Date: Mon, 23 Nov 2026 09:00:00 +0000
Message-ID: <reply-1@client.example>
In-Reply-To: <TKT-12.1@desk.example>
References: <TKT-12.1@desk.example>
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

The printer is still on fire.

Ann
`

// txtTable is a DNS table for dkimAligned, counting the lookups it answers.
type txtTable struct {
	records map[string]string
	queries atomic.Int32
}

func (tt *txtTable) lookup(_ context.Context, name string) ([]string, error) {
	tt.queries.Add(1)
	if r, ok := tt.records[name]; ok {
		return []string{r}, nil
	}
	return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
}

func TestDKIMAligned(t *testing.T) {
	raw := crlf(customerMail)
	signed, name, record := signDKIM(t, raw, "client.example", "s1")
	if name != "s1._domainkey.client.example" {
		t.Fatalf("txt name %q", name)
	}
	sub, subName, subRecord := signDKIM(t, raw, "mail.client.example", "s1")
	other, otherName, otherRecord := signDKIM(t, raw, "other.example", "s1")
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	rsaSigned, rsaRecord := signDKIMWith(t, raw, "client.example", "r1", rsaKey)
	headerOnly, hoName, hoRecord := signDKIM(t, crlf(strings.Split(customerMail, "\n\n")[0]+"\n\n"), "client.example", "h1")
	headerOnly = bytes.TrimSuffix(headerOnly, []byte("\r\n")) // no empty line, no body
	dns := &txtTable{records: map[string]string{name: record, subName: subRecord, otherName: otherRecord,
		"r1._domainkey.client.example": rsaRecord, hoName: hoRecord}}

	tests := []struct {
		name   string
		raw    []byte
		from   string
		lookup func(context.Context, string) ([]string, error)
		want   string // the domain; "" means not ok
	}{
		{"valid and aligned", signed, "client.example", dns.lookup, "client.example"},
		{"From domain in another case", signed, "CLIENT.example.", dns.lookup, "client.example"},
		{"rsa-sha256", rsaSigned, "client.example", dns.lookup, "client.example"},
		{"subdomain signs, relaxed alignment", sub, "client.example", dns.lookup, "mail.client.example"},
		{"LF line endings", bytes.ReplaceAll(signed, []byte("\r\n"), []byte("\n")), "client.example", dns.lookup, "client.example"},
		{"header only, no empty line", headerOnly, "client.example", dns.lookup, "client.example"},
		{"body altered", bytes.Replace(signed, []byte("still on fire"), []byte("fixed now!!!!"), 1), "client.example", dns.lookup, ""},
		{"signed header altered", bytes.Replace(signed, []byte("Printer on fire"), []byte("Printer is fine"), 1), "client.example", dns.lookup, ""},
		{"second From added above", append([]byte("From: boss@client.example\r\n"), signed...), "client.example", dns.lookup, ""},
		{"signer not aligned with From", other, "client.example", dns.lookup, ""},
		{"From domain not the signer's", signed, "other.example", dns.lookup, ""},
		{"no signature", raw, "client.example", dns.lookup, ""},
		{"key not published", signed, "client.example", (&txtTable{}).lookup, ""},
		{"key revoked", signed, "client.example", (&txtTable{records: map[string]string{name: "v=DKIM1; k=ed25519; p="}}).lookup, ""},
		{"wrong key", signed, "client.example", (&txtTable{records: map[string]string{name: subRecord}}).lookup, ""},
		{"DNS error", signed, "client.example", func(context.Context, string) ([]string, error) {
			return nil, errors.New("resolver exploded")
		}, ""},
		{"DNS temporary error", signed, "client.example", func(_ context.Context, n string) ([]string, error) {
			return nil, &net.DNSError{Err: "timeout", Name: n, IsTimeout: true, IsTemporary: true}
		}, ""},
		{"nil lookup", signed, "client.example", nil, ""},
		{"empty From domain", signed, "", dns.lookup, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d, ok, err := dkimAligned(t.Context(), tc.raw, tc.from, tc.lookup)
			if err != nil {
				t.Fatalf("err = %v", err)
			}
			if d != tc.want || ok != (tc.want != "") {
				t.Errorf("dkimAligned = %q, %v; want %q", d, ok, tc.want)
			}
		})
	}
}

// TestDKIMAlignedCapsSignatures checks that only the topmost
// maxDKIMSignatures signatures are tried, each with one lookup.
func TestDKIMAlignedCapsSignatures(t *testing.T) {
	for _, extra := range []int{maxDKIMSignatures - 1, maxDKIMSignatures} {
		t.Run(fmt.Sprint(extra, " signatures above"), func(t *testing.T) {
			mail, name, record := signDKIM(t, crlf(customerMail), "client.example", "s1")
			dns := &txtTable{records: map[string]string{name: record}}
			for i := range extra { // each prepends its field: the aligned one sinks
				var n, r string
				mail, n, r = signDKIM(t, mail, "list.example", fmt.Sprint("s", i+2))
				dns.records[n] = r
			}
			d, ok, err := dkimAligned(t.Context(), mail, "client.example", dns.lookup)
			if err != nil {
				t.Fatal(err)
			}
			if want := extra < maxDKIMSignatures; ok != want || (d == "client.example") != want {
				t.Errorf("dkimAligned = %q, %v; want ok %v", d, ok, want)
			}
			if q := dns.queries.Load(); q > maxDKIMSignatures {
				t.Errorf("%d lookups, want at most %d", q, maxDKIMSignatures)
			}
		})
	}
}

func TestDKIMAlignedBrokenMail(t *testing.T) {
	for _, raw := range []string{
		"this line is no header field\r\nFrom: ann@client.example\r\n\r\nbody\r\n",
		" From: ann@client.example\r\n\r\nbody\r\n", // continuation without a field
	} {
		if _, ok, err := dkimAligned(t.Context(), []byte(raw), "client.example", (&txtTable{}).lookup); err == nil || ok {
			t.Errorf("dkimAligned(%q) = ok %v, err %v; want an error", raw, ok, err)
		}
	}
	for _, raw := range []string{"", "\r\n", "\r\nFrom: ann@client.example\r\n"} {
		if _, ok, err := dkimAligned(t.Context(), []byte(raw), "client.example", (&txtTable{}).lookup); err != nil || ok {
			t.Errorf("dkimAligned(%q) = ok %v, err %v; want neither", raw, ok, err)
		}
	}
}

func TestAuthResultsAligned(t *testing.T) {
	trusted := []string{"mx.desk.example"}
	tests := []struct {
		name    string
		fields  string // Authentication-Results fields, and other fields, before the From
		from    string
		trusted []string
		want    string // the method; "" means not ok
	}{
		{"trusted dkim=pass", "Authentication-Results: mx.desk.example; dkim=pass header.d=client.example header.s=s1\n", "client.example", trusted, "dkim"},
		{"trusted dmarc=pass", "Authentication-Results: mx.desk.example; dmarc=pass (p=reject dis=none) header.from=client.example\n", "client.example", trusted, "dmarc"},
		{"dmarc preferred", "Authentication-Results: mx.desk.example; dkim=pass header.d=client.example; dmarc=pass header.from=client.example\n", "client.example", trusted, "dmarc"},
		{"dkim by subdomain", "Authentication-Results: mx.desk.example; dkim=pass header.d=mail.client.example\n", "client.example", trusted, "dkim"},
		{"dkim header.i only", "Authentication-Results: mx.desk.example; dkim=pass header.i=@client.example\n", "client.example", trusted, "dkim"},
		{"dkim header.i address", "Authentication-Results: mx.desk.example; dkim=pass header.i=ann@mail.client.example\n", "client.example", trusted, "dkim"},
		{"quoted value", "Authentication-Results: mx.desk.example; dkim=pass header.d=\"client.example\"\n", "client.example", trusted, "dkim"},
		{"id in other case", "Authentication-Results: MX.Desk.Example; dkim=pass header.d=client.example\n", "client.example", trusted, "dkim"},
		{"trusted list in other case", "Authentication-Results: mx.desk.example; dkim=pass header.d=client.example\n", "client.example", []string{" MX.DESK.EXAMPLE "}, "dkim"},
		{"version", "Authentication-Results: mx.desk.example 1; dmarc=pass header.from=client.example\n", "client.example", trusted, "dmarc"},
		{"comment with semicolon", "Authentication-Results: mx.desk.example (Postfix; OpenDKIM);\n\tdkim=pass (2048-bit key; unprotected) header.d=client.example\n\theader.i=@client.example header.b=\"abcd1234\"\n", "client.example", trusted, "dkim"},
		{"pass after other results", "Authentication-Results: mx.desk.example;\n spf=pass smtp.mailfrom=client.example;\n dkim=fail header.d=client.example;\n dkim=pass header.d=client.example\n", "client.example", trusted, "dkim"},
		{"second of two trusted ids", "Authentication-Results: mx.desk.example; dkim=pass header.d=client.example\n", "client.example", []string{"relay.desk.example", "mx.desk.example"}, "dkim"},
		{"trusted pass below untrusted", "Authentication-Results: evil.example; dkim=fail header.d=client.example\nAuthentication-Results: mx.desk.example; dkim=pass header.d=client.example\n", "client.example", trusted, "dkim"},
		{"untrusted id ignored", "Authentication-Results: evil.example; dkim=pass header.d=client.example; dmarc=pass header.from=client.example\n", "client.example", trusted, ""},
		{"id suffix is not the id", "Authentication-Results: x.mx.desk.example; dkim=pass header.d=client.example\n", "client.example", trusted, ""},
		{"dkim=fail", "Authentication-Results: mx.desk.example; dkim=fail header.d=client.example\n", "client.example", trusted, ""},
		{"dkim=neutral", "Authentication-Results: mx.desk.example; dkim=neutral header.d=client.example\n", "client.example", trusted, ""},
		{"dmarc=fail", "Authentication-Results: mx.desk.example; dmarc=fail header.from=client.example\n", "client.example", trusted, ""},
		{"spf=pass is not enough", "Authentication-Results: mx.desk.example; spf=pass smtp.mailfrom=client.example\n", "client.example", trusted, ""},
		{"dkim pass, not aligned", "Authentication-Results: mx.desk.example; dkim=pass header.d=other.example\n", "client.example", trusted, ""},
		{"dmarc pass, not aligned", "Authentication-Results: mx.desk.example; dmarc=pass header.from=other.example\n", "client.example", trusted, ""},
		{"dkim pass, public suffix neighbour", "Authentication-Results: mx.desk.example; dkim=pass header.d=b.co.uk\n", "a.co.uk", trusted, ""},
		{"pass only in a comment", "Authentication-Results: mx.desk.example; dkim=fail (not dkim=pass header.d=client.example) header.d=client.example\n", "client.example", trusted, ""},
		{"none", "Authentication-Results: mx.desk.example; none\n", "client.example", trusted, ""},
		{"empty trusted list", "Authentication-Results: mx.desk.example; dkim=pass header.d=client.example\n", "client.example", []string{}, ""},
		{"nil trusted list", "Authentication-Results: mx.desk.example; dkim=pass header.d=client.example\n", "client.example", nil, ""},
		{"empty id, empty entry", "Authentication-Results: ; dkim=pass header.d=client.example\n", "client.example", []string{""}, ""},
		{"second From", "Authentication-Results: mx.desk.example; dkim=pass header.d=client.example\nFrom: boss@client.example\n", "client.example", trusted, ""},
		{"empty From domain", "Authentication-Results: mx.desk.example; dkim=pass header.d=client.example\n", "", trusted, ""},
		{"no results", "", "client.example", trusted, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			raw := crlf(tc.fields + customerMail)
			method, ok := authResultsAligned(raw, tc.from, tc.trusted)
			if method != tc.want || ok != (tc.want != "") {
				t.Errorf("authResultsAligned = %q, %v; want %q", method, ok, tc.want)
			}
		})
	}
}

// TestAuthResultsOnlyInHeader checks that a field in the body is no field.
func TestAuthResultsOnlyInHeader(t *testing.T) {
	raw := crlf(customerMail + "\nAuthentication-Results: mx.desk.example; dkim=pass header.d=client.example\n")
	if method, ok := authResultsAligned(raw, "client.example", []string{"mx.desk.example"}); ok {
		t.Errorf("a body line counted: %q", method)
	}
	if _, ok := authResultsAligned([]byte("no header here\r\n\r\n"), "client.example", []string{"mx.desk.example"}); ok {
		t.Error("a broken header counted")
	}
}
