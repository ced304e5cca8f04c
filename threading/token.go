package threading

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base32"
	"strings"

	"postdesk/ticket"
)

// tokenLen is the length of a reply token: 16 base32 characters, 80 bits of
// an HMAC-SHA256, enough that guessing one for a given ticket and address is
// hopeless, short enough to survive in a mail client's address line.
const tokenLen = 16

var tokenEncoding = base32.StdEncoding.WithPadding(base32.NoPadding)

// ReplyToken is the proof that a recipient received mail about ticket ref:
// an HMAC-SHA256 under secret of the reference and the recipient's address
// (lower case), in lower-case base32. Only the desk, which holds the secret,
// can make one.
func ReplyToken(secret []byte, ref, addr string) string {
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte(strings.ToUpper(ref)))
	mac.Write([]byte{0})
	mac.Write([]byte(strings.ToLower(strings.TrimSpace(addr))))
	return strings.ToLower(tokenEncoding.EncodeToString(mac.Sum(nil)))[:tokenLen]
}

// VerifyToken reports, in constant time, whether token is the reply token of
// ref for addr.
func VerifyToken(secret []byte, ref, addr, token string) bool {
	want := ReplyToken(secret, ref, addr)
	return len(token) == tokenLen && hmac.Equal([]byte(want), []byte(strings.ToLower(token)))
}

// ReplyAddress is the per-recipient reply address of a ticket:
// "support+TKT-12.<token>@desk" for desk "support@desk" and delimiter "+"
// (RFC 5233 sub-addressing).
func ReplyAddress(desk, delim, ref, token string) string {
	local, domain, _ := strings.Cut(desk, "@")
	return local + delim + ref + "." + token + "@" + domain
}

// ParseReplyAddress reads a reply address of the desk: the reference and the
// token in its sub-address. ok is false for any other address, the plain
// desk address included.
func (m *Matcher) ParseReplyAddress(desk, delim, addr string) (ref, token string, ok bool) {
	local, domain, ok1 := strings.Cut(strings.ToLower(strings.TrimSpace(addr)), "@")
	dlocal, ddomain, ok2 := strings.Cut(strings.ToLower(desk), "@")
	if !ok1 || !ok2 || domain != ddomain || delim == "" {
		return "", "", false
	}
	sub, found := strings.CutPrefix(local, dlocal+strings.ToLower(delim))
	if !found {
		return "", "", false
	}
	r, tok, found := strings.Cut(sub, ".")
	n, err := m.ParseRef(r)
	if !found || err != nil || len(tok) != tokenLen {
		return "", "", false
	}
	return ticket.FormatRef(m.prefix, n), tok, true
}
