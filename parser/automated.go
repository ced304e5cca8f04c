package parser

import "strings"

// Kinds of automated mail that Classify reports.
const (
	AutoSubmitted = "auto-submitted" // RFC 3834 Auto-Submitted other than "no"
	AutoReply     = "auto-reply"     // vendor out-of-office headers
	AutoBounce    = "bounce"         // RFC 3464 delivery status report
	AutoBulk      = "bulk"           // Precedence: bulk / junk / list
	AutoList      = "list"           // RFC 2369 / RFC 2919 list headers
)

// Classify tells whether a mail was written by a machine, from its headers
// alone, and returns the kind ("" for a person). isReport is true when the top
// level content type is multipart/report (RFC 6522). The envelope's null
// return path, the other RFC 3834 signal, is known only to the gateway.
func Classify(h headerSource, isReport bool) string {
	// A delivery report is a bounce even when, like Postfix's, it also says
	// Auto-Submitted.
	if isReport {
		return AutoBounce
	}
	// RFC 3834 section 5: any value but "no" marks an automatic response.
	if v := strings.ToLower(strings.TrimSpace(get(h, "Auto-Submitted"))); v != "" && !strings.HasPrefix(v, "no") {
		return AutoSubmitted + ": " + valid(v)
	}
	// Exchange, Outlook and some autoresponders mark out-of-office mail so.
	for _, name := range []string{"X-Autoreply", "X-Autorespond", "X-Auto-Reply"} {
		if get(h, name) != "" {
			return AutoReply
		}
	}
	switch strings.ToLower(strings.TrimSpace(get(h, "Precedence"))) {
	case "bulk", "junk", "list", "auto_reply":
		return AutoBulk
	}
	for _, name := range []string{"List-Id", "List-Unsubscribe", "List-Post"} {
		if get(h, name) != "" {
			return AutoList
		}
	}
	return ""
}
