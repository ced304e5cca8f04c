package parser

import "strings"

// Kinds of automated mail that Classify reports.
const (
	AutoSubmitted = "auto-submitted" // RFC 3834 Auto-Submitted other than "no"
	AutoReply     = "auto-reply"     // vendor out-of-office headers, Precedence: auto_reply
	AutoBounce    = "bounce"         // RFC 3464 delivery status report
	AutoBulk      = "bulk"           // Precedence: bulk / junk / list
	AutoList      = "list"           // RFC 2369 / RFC 2919 list headers
)

// autoReplyHeaders are the vendor header fields with which autoresponders
// (Exchange, vacation programs, hosting panels) mark their replies. A field
// counts whatever its value.
//
// X-Auto-Response-Suppress, which the issue lists, is deliberately not among
// them. It does not say who wrote the mail: it carries the sender's
// PidTagAutoResponseSuppress property ([MS-OXCMAIL] section 2.1.3.2.20,
// [MS-OXOMSG] section 2.2.1.77), a request to the recipient's system to
// send no delivery reports, read notices or out-of-office answers back. A
// person's Outlook writes it whenever that property is set, and Exchange
// sites add "OOF, DR, RN, NRN" to incoming mail by transport rule, so a
// customer's own message can carry it. RFC 3834 section 5 makes
// Auto-Submitted the mark of automatic mail, and a machine that sends
// X-Auto-Response-Suppress nearly always says Auto-Submitted or Precedence
// as well (Exchange's out-of-office answers and ticket systems do), which
// Classify reads. Counting the request as automated would keep real
// customers' mail from opening tickets (TestAutoResponseSuppressIsHuman).
var autoReplyHeaders = []string{
	"X-Autoreply", "X-Autorespond", "X-Autoresponder", "X-Autoresponse",
	"X-Auto-Reply", "X-Auto-Response", "X-Autoreply-From", "X-Mail-Autoreply",
}

// Classify tells whether a mail was written by a machine, from its headers
// alone, and returns the kind ("" for a person). isReport is true when the top
// level content type is multipart/report (RFC 6522). The envelope's null
// return path, the other RFC 3834 signal, is known only to the gateway.
//
// For Auto-Submitted (RFC 3834 section 5) the kind names the keyword:
// "auto-submitted: auto-replied", "auto-submitted: auto-generated",
// "auto-submitted: auto-notified" (RFC 3798), without comments or
// parameters.
func Classify(h headerSource, isReport bool) string {
	// A delivery report is a bounce even when, like Postfix's, it also says
	// Auto-Submitted.
	if isReport {
		return AutoBounce
	}
	// RFC 3834 section 5: any value but "no" marks an automatic response.
	if v := autoSubmittedKeyword(get(h, "Auto-Submitted")); v != "" && v != "no" {
		return AutoSubmitted + ": " + valid(v)
	}
	// Exchange, Outlook and autoresponders mark out-of-office mail so.
	for _, name := range autoReplyHeaders {
		if len(h.Values(name)) > 0 {
			return AutoReply
		}
	}
	switch strings.ToLower(strings.TrimSpace(get(h, "Precedence"))) {
	case "auto_reply":
		return AutoReply
	case "bulk", "junk", "list":
		return AutoBulk
	}
	for _, name := range []string{"List-Id", "List-Unsubscribe", "List-Post"} {
		if get(h, name) != "" {
			return AutoList
		}
	}
	return ""
}

// autoSubmittedKeyword returns the keyword of an Auto-Submitted value,
// lower case, without a comment ("auto-generated (failure)") or parameters
// ("auto-replied; owner-email=...").
func autoSubmittedKeyword(v string) string {
	v = strings.ToLower(strings.TrimSpace(v))
	if i := strings.IndexAny(v, "(; \t"); i >= 0 {
		v = v[:i]
	}
	return v
}
