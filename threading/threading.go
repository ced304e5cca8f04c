// Package threading decides which ticket a mail belongs to. It knows the
// reference number format (PREFIX-N; where a subject names one is
// parser.RefFinder's rule, shared with the parser), postdesk's own Message-ID
// scheme, and the resolve rules. It does no I/O: the store looks up the keys it names and
// Resolve decides from what was found.
package threading

import (
	"encoding/hex"
	"fmt"
	"io"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"postdesk/parser"
)

// Matcher knows one desk's reference prefix and mail domain.
type Matcher struct {
	prefix string
	domain string
	refs   *parser.RefFinder
	own    *regexp.Regexp
}

// NewMatcher returns a Matcher for references "PREFIX-N" and Message-IDs
// "...@domain". The prefix is matched without regard to case.
func NewMatcher(prefix, domain string) *Matcher {
	q := regexp.QuoteMeta(prefix)
	return &Matcher{
		prefix: prefix,
		domain: strings.ToLower(domain),
		refs:   parser.NewRefFinder(prefix),
		own:    regexp.MustCompile(`(?i)^` + q + `-(\d{1,18})(?:\.[^@]*)?@` + regexp.QuoteMeta(domain) + `$`),
	}
}

// SubjectRefs returns the ticket numbers that s names ("[TKT-1]", "TKT-1"),
// in order, each once. What counts as a reference is parser.RefFinder's
// rule, the one ParseSubjectFor cuts by: the first number here is the Ref
// of parser.ParseSubjectFor(s, prefix).
func (m *Matcher) SubjectRefs(s string) []int64 {
	var out []int64
	for _, r := range m.refs.Find(s) {
		if !slices.Contains(out, r.Number) {
			out = append(out, r.Number)
		}
	}
	return out
}

// OwnRef returns the ticket number that one of our own Message-IDs names: the
// root "TKT-1@domain" or a notification's "TKT-1.x.y@domain".
func (m *Matcher) OwnRef(msgID string) (int64, bool) {
	sub := m.own.FindStringSubmatch(msgID)
	if sub == nil {
		return 0, false
	}
	n, err := strconv.ParseInt(sub[1], 10, 64)
	return n, err == nil && n > 0
}

// RootID is the stable Message-ID of a ticket's thread, "TKT-1@domain",
// without angle brackets. Every notification lists it first in References so
// that mail clients keep one conversation per ticket.
func (m *Matcher) RootID(ref string) string { return ref + "@" + m.domain }

// NewMessageID makes a Message-ID for a mail we send about ticket ref:
// "TKT-1.<time>.<random>@domain" (RFC 5322 section 3.6.4: unique, with our
// domain on the right). rnd supplies the randomness.
func (m *Matcher) NewMessageID(ref string, now time.Time, rnd io.Reader) (string, error) {
	var b [6]byte
	if _, err := io.ReadFull(rnd, b[:]); err != nil {
		return "", fmt.Errorf("message-id randomness: %w", err)
	}
	return fmt.Sprintf("%s.%s.%s@%s", ref, strconv.FormatInt(now.UnixMilli(), 36), hex.EncodeToString(b[:]), m.domain), nil
}

// Keys are what a mail offers to find its ticket by, in order of trust.
type Keys struct {
	// MessageIDs: In-Reply-To first, then References newest first; each once.
	MessageIDs []string
	// SubjectRefs: ticket numbers named in the subject.
	SubjectRefs []int64
	// Token is the ticket number a verified reply token names (the mail
	// came to a reply address made for its sender), 0 for none.
	Token int64
}

// maxReferences bounds how many References are looked up; a thread deeper
// than this is matched by its newest ids, which is where replies point.
const maxReferences = 50

// Keys extracts the lookup keys of msg.
func (m *Matcher) Keys(msg *parser.Message) Keys {
	var k Keys
	add := func(id string) {
		if id != "" && id != msg.MessageID && !slices.Contains(k.MessageIDs, id) && len(k.MessageIDs) < maxReferences {
			k.MessageIDs = append(k.MessageIDs, id)
		}
	}
	for _, id := range msg.InReplyTo {
		add(id)
	}
	for i := len(msg.References) - 1; i >= 0; i-- {
		add(msg.References[i])
	}
	k.SubjectRefs = m.SubjectRefs(msg.Subject)
	return k
}

// Known is what the store found for a mail's Keys.
type Known struct {
	// ByMessageID maps a Message-ID the desk has seen to its ticket number.
	ByMessageID map[string]int64
	// Exists holds the ticket numbers that exist.
	Exists map[int64]bool
}

// Match is the outcome of Resolve.
type Match struct {
	// Number is the ticket's number, 0 when the mail opens a new ticket.
	Number int64
	// By says which rule matched: "token", "header", "own-message-id",
	// "subject" or "".
	By string
}

// Resolve picks the ticket a mail belongs to. Rules, first match wins:
//  0. a verified reply token, for an existing ticket (proof beyond doubt);
//  1. a Message-ID in In-Reply-To or References that the desk has stored
//     (RFC 5322 section 3.6.4 threading, the most specific evidence);
//  2. one of our own Message-IDs in those headers, for an existing ticket
//     (the thread root survives even when the stored mail does not);
//  3. a reference number in the subject, for an existing ticket.
//
// Otherwise the mail opens a new ticket.
func (m *Matcher) Resolve(k Keys, known Known) Match {
	if k.Token != 0 && known.Exists[k.Token] {
		return Match{Number: k.Token, By: "token"}
	}
	for _, id := range k.MessageIDs {
		if n, ok := known.ByMessageID[id]; ok {
			return Match{Number: n, By: "header"}
		}
	}
	for _, id := range k.MessageIDs {
		if n, ok := m.OwnRef(id); ok && known.Exists[n] {
			return Match{Number: n, By: "own-message-id"}
		}
	}
	for _, n := range k.SubjectRefs {
		if known.Exists[n] {
			return Match{Number: n, By: "subject"}
		}
	}
	return Match{}
}

// Candidates lists the ticket numbers whose existence Resolve may ask about.
func (m *Matcher) Candidates(k Keys) []int64 {
	var out []int64
	if k.Token != 0 {
		out = append(out, k.Token)
	}
	for _, id := range k.MessageIDs {
		if n, ok := m.OwnRef(id); ok && !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	for _, n := range k.SubjectRefs {
		if !slices.Contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// ParseRef reads a reference such as "TKT-12" (any case) and returns its
// number; it is an error when s is not a reference of this desk.
func (m *Matcher) ParseRef(s string) (int64, error) {
	num, ok := strings.CutPrefix(strings.ToUpper(strings.TrimSpace(s)), strings.ToUpper(m.prefix)+"-")
	n, err := strconv.ParseInt(num, 10, 64)
	if !ok || err != nil || n <= 0 || strings.Trim(num, "0123456789") != "" {
		return 0, fmt.Errorf("%q is not a reference like %s-12", s, m.prefix)
	}
	return n, nil
}
