package gateway

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/netip"
	"strings"

	"github.com/emersion/go-message/textproto"
	"github.com/emersion/go-msgauth/authres"
	"github.com/emersion/go-msgauth/dkim"
	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// This file holds the sender proofs that read the mail itself: its DKIM
// signatures (RFC 6376) and the Authentication-Results header fields
// (RFC 8601) of a trusted MTA, both judged by DMARC's relaxed identifier
// alignment with the From domain (RFC 7489 section 3.1.1).

// maxDKIMSignatures caps the DKIM-Signature fields dkimAligned checks: each
// costs a DNS query and a public-key operation, and the sender chooses how
// many a mail carries (RFC 6376 section 6.1 lets a verifier limit them). The
// topmost ones are checked; the rest are ignored.
const maxDKIMSignatures = 5

// dkimAligned verifies the DKIM signatures (RFC 6376) of raw, at most
// maxDKIMSignatures of them, fetching keys with lookup, and returns the d=
// domain (lower case) of the first signature that verifies and is aligned
// with fromDomain (aligned, RFC 7489 relaxed alignment).
//
// A signature that fails for any reason (bad body hash, no or bad key, a DNS
// error, an expired signature, one the verifier refuses such as l= or
// rsa-sha1) only means ok is false. err is reported only when the mail's
// header cannot be read. A nil lookup finds no keys (it never falls back to
// the system resolver); a cancelled ctx makes the lookups fail.
//
// A mail that does not have exactly one From field is never ok, whatever it
// carries: a From added above a signed one would stay outside the signature
// while being the one a reader sees (RFC 6376 section 8.15, RFC 5322
// section 3.6). The caller must take fromDomain from that single From field.
func dkimAligned(ctx context.Context, raw []byte, fromDomain string,
	lookup func(ctx context.Context, name string) ([]string, error)) (domain string, ok bool, err error) {
	raw = withHeaderEnd(raw)
	h, err := readHeader(raw)
	if err != nil {
		return "", false, fmt.Errorf("dkim verify: %w", err)
	}
	if len(h.Values("From")) != 1 || !h.Has("DKIM-Signature") || lookup == nil {
		return "", false, nil
	}
	opts := &dkim.VerifyOptions{
		// RFC 6376 section 3.6.2.1: the key is a TXT record at
		// <selector>._domainkey.<d=>.
		LookupTXT:        func(name string) ([]string, error) { return lookup(ctx, name) },
		MaxVerifications: maxDKIMSignatures,
	}
	verifs, err := dkim.VerifyWithOptions(bytes.NewReader(raw), opts)
	if err != nil && !errors.Is(err, dkim.ErrTooManySignatures) {
		return "", false, fmt.Errorf("dkim verify: %w", err)
	}
	for _, v := range verifs {
		if v.Err == nil && aligned(fromDomain, v.Domain) {
			return normDomain(v.Domain), true, nil
		}
	}
	return "", false, nil
}

// authResultsAligned reads every Authentication-Results field (RFC 8601) in
// the header of raw whose authserv-id is one of trusted (compared without
// regard to case) and reports whether one of them says dmarc=pass with a
// header.from aligned with fromDomain (method "dmarc", preferred), or
// dkim=pass with a header.d, or else header.i's domain, aligned with
// fromDomain (method "dkim"). Alignment is DMARC's relaxed one (aligned).
//
// Fields with any other authserv-id are ignored, as are fields that do not
// parse. Believing a trusted id is only safe because the MTA named by it
// removes fields claiming its id from mail arriving from outside (RFC 8601
// section 5); configuring an id is promising that. An empty trusted list
// means never. As in dkimAligned, a mail without exactly one From field is
// never ok, and only the header counts: it ends at the first empty line.
func authResultsAligned(raw []byte, fromDomain string, trusted []string) (method string, ok bool) {
	h, err := readHeader(withHeaderEnd(raw))
	if err != nil || len(h.Values("From")) != 1 {
		return "", false
	}
	var results []authres.Result
	for _, v := range h.Values("Authentication-Results") {
		id, rs, err := authres.Parse(stripComments(v))
		if err == nil && isTrustedID(id, trusted) {
			results = append(results, rs...)
		}
	}
	for _, r := range results {
		if r, is := r.(*authres.DMARCResult); is && r.Value == authres.ResultPass &&
			aligned(fromDomain, domainOf(r.From)) {
			return "dmarc", true
		}
	}
	for _, r := range results {
		r, is := r.(*authres.DKIMResult)
		if !is || r.Value != authres.ResultPass {
			continue
		}
		d := domainOf(r.Domain) // RFC 8601 section 2.7.1: header.d is the d= tag
		if d == "" {
			d = domainOf(r.Identifier) // header.i, the i= tag: [local-part]@domain
		}
		if aligned(fromDomain, d) {
			return "dkim", true
		}
	}
	return "", false
}

// isTrustedID reports whether the authserv-id id (RFC 8601 section 2.5) is
// one of trusted, ignoring case; an empty id or entry never matches.
func isTrustedID(id string, trusted []string) bool {
	id = strings.TrimSpace(id)
	for _, t := range trusted {
		if t = strings.TrimSpace(t); t != "" && strings.EqualFold(id, t) {
			return true
		}
	}
	return false
}

// aligned reports whether the domains fromDomain (the RFC5322.From domain)
// and signDomain (an authenticated identifier such as a DKIM d=) are in
// relaxed alignment (RFC 7489 section 3.1.1): they have the same
// organizational domain (RFC 7489 section 3.2), the public suffix plus one
// label, taken from the public suffix list via publicsuffix. Equal names
// always align (strict alignment implies relaxed). Case, a trailing dot and
// U-labels against A-labels do not matter.
//
// The list knows nothing of names such as "localhost" or the reserved
// ".example" and ".test" (RFC 2606, RFC 6761): for them the list's default
// rule makes the last label a public suffix, so "mail.client.example" and
// "client.example" share "client.example" while "other.example" differs. A
// bare such name ("localhost") has no organizational domain; it aligns with
// the names below it (see underLocalName). A name that is itself a listed
// public suffix ("co.uk", "github.io") aligns with nothing but itself, and
// IP addresses, address literals, empty names and names with empty labels
// align with nothing at all.
func aligned(fromDomain, signDomain string) bool {
	from, sign := normDomain(fromDomain), normDomain(signDomain)
	switch {
	case from == "" || sign == "":
		return false
	case from == sign:
		return true
	}
	fromOrg, fromErr := publicsuffix.EffectiveTLDPlusOne(from)
	signOrg, signErr := publicsuffix.EffectiveTLDPlusOne(sign)
	if fromErr == nil && signErr == nil {
		return fromOrg == signOrg
	}
	return underLocalName(from, sign) || underLocalName(sign, from)
}

// underLocalName reports whether child is a subdomain of parent and parent
// is a single label the public suffix list does not hold ("localhost",
// "example", "test", "internal"). Such a name is no public registry's:
// whoever answers DNS for it, a local resolver, answers for all below it, so
// it may vouch for them. A listed suffix ("uk", "co.uk", "github.io") may not.
func underLocalName(child, parent string) bool {
	if strings.Contains(parent, ".") || !strings.HasSuffix(child, "."+parent) {
		return false
	}
	_, icann := publicsuffix.PublicSuffix(parent) // false for unlisted names
	return !icann
}

// normDomain returns domain as aligned compares it: trimmed, without the
// trailing dot of an absolute name, in lower case and with A-labels
// (RFC 5891) where IDNA can convert it. It returns "" for what is not a
// domain name to align: an empty name, one with an empty label, an IP
// address or an address literal ("[192.0.2.1]", RFC 5321 section 4.1.3).
func normDomain(domain string) string {
	d := strings.TrimSuffix(strings.TrimSpace(domain), ".")
	if a, err := idna.Lookup.ToASCII(d); err == nil {
		d = a
	} else {
		d = strings.ToLower(d) // e.g. an underscore, which IDNA refuses
	}
	if d == "" || strings.HasPrefix(d, "[") {
		return ""
	}
	if _, err := netip.ParseAddr(d); err == nil {
		return ""
	}
	for label := range strings.SplitSeq(d, ".") {
		if label == "" {
			return ""
		}
	}
	return d
}

// domainOf returns the domain an Authentication-Results property value
// names: the part after the last "@" of an address or of "@domain", or the
// whole value, with RFC 2045 quotes removed.
func domainOf(pvalue string) string {
	v := strings.Trim(strings.TrimSpace(pvalue), `"`)
	if i := strings.LastIndexByte(v, '@'); i >= 0 {
		v = v[i+1:]
	}
	return strings.TrimSpace(v)
}

// stripComments replaces each comment (RFC 5322 section 3.2.2: parenthesised,
// nestable, with quoted-pairs) in a header field value by a space, leaving
// quoted strings alone. authres does not skip comments, and MTAs write ones
// holding ";" or "=", such as "dkim=pass (2048-bit key; unprotected)".
func stripComments(s string) string {
	var b strings.Builder
	depth, quoted, escaped := 0, false, false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case escaped:
			escaped = false
		case c == '\\' && (quoted || depth > 0):
			escaped = true
		case quoted:
			quoted = c != '"'
		case c == '(':
			depth++
			continue
		case c == ')' && depth > 0:
			if depth--; depth == 0 {
				b.WriteByte(' ')
			}
			continue
		case depth == 0 && c == '"':
			quoted = true
		}
		if depth == 0 {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// readHeader reads the header of raw, which ends at the first empty line
// (RFC 5322 section 2.1).
func readHeader(raw []byte) (textproto.Header, error) {
	return textproto.ReadHeader(bufio.NewReader(bytes.NewReader(raw)))
}

// withHeaderEnd returns raw, or a copy of it with the empty line that ends a
// header added when raw has none: RFC 5322 section 3.5 lets a mail be a
// header only, and DKIM hashes an absent body as it hashes an empty one
// (RFC 6376 sections 3.4.3 and 3.4.4), but the verifier wants the line.
func withHeaderEnd(raw []byte) []byte {
	if bytes.HasPrefix(raw, []byte("\n")) || bytes.HasPrefix(raw, []byte("\r\n")) ||
		bytes.Contains(raw, []byte("\n\n")) || bytes.Contains(raw, []byte("\n\r\n")) {
		return raw
	}
	out := make([]byte, 0, len(raw)+4)
	out = append(out, raw...)
	if len(out) > 0 && out[len(out)-1] != '\n' {
		out = append(out, "\r\n"...)
	}
	return append(out, "\r\n"...)
}
