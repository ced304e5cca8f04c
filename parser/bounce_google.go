package parser

import "strings"

// This file reads Gmail's classic notices ("Delivery to the following
// recipient failed permanently"), whose "(state N)" names the step of the
// SMTP session at which the remote server refused the mail.

func isGmail(m *bounceMail, lower string) bool {
	return strings.Contains(get(m.header, "From"), "<mailer-daemon@googlemail.com>") &&
		strings.Contains(m.subject, "delivery status notification")
}

// gmailStates maps the "(state N)" of Gmail's notices to the command the
// remote server refused and what that means.
var gmailStates = map[string][2]string{
	"6":  {"MAIL", "failedstarttls"}, // 500 Remote server does not support TLS
	"8":  {"AUTH", "systemerror"},    // 535 SMTP AUTH failed with the remote server
	"9":  {"AUTH", "failedstarttls"}, // 454 TLS missing certificate
	"12": {"AUTH", "norelaying"},     // 500 Remote server does not support SMTP Authenticated Relay
	"13": {"EHLO", "blocked"},        // 550 5.7.1 ... Access denied
	"14": {"RCPT", "userunknown"},    // 550 5.1.1 ... User Unknown
	"15": {"DATA", "filtered"},       // 554 Error: no valid recipients
	"17": {"DATA", "filtered"},       // 550 No such user here
	"18": {"DATA", "filtered"},       // 550 Unknown user
}

// gmailMessages are Gmail's own words when the remote server gave none.
var gmailMessages = []reasonText{
	{"expired", "DNS Error: Could not contact DNS servers"},
	{"expired", "Delivery to the following recipient has been delayed"},
	{"expired", "The recipient server did not accept our requests to connect"},
	{"hostunknown", "DNS Error: Domain name not found"},
	{"hostunknown", "DNS Error: DNS server returned answer with no data"},
}

// readGmail reads the recipients (indented lines with an address) and
// everything else from "Delivery to the following recipient" on as the
// diagnostic.
func readGmail(m *bounceMail, notice string) []failure {
	var out []failure
	var diag strings.Builder
	in := false
	for _, line := range strings.Split(notice, "\n") {
		line = strings.TrimRight(line, "\r")
		if !in {
			in = strings.HasPrefix(line, "Delivery to the following recipient")
		}
		if !in || line == "" {
			continue
		}
		if strings.HasPrefix(line, " ") && strings.Contains(line, "@") {
			if a := cleanAddress(line); a != "" {
				if len(out) > 0 {
					out[len(out)-1].diag = diag.String()
					diag.Reset()
				}
				out = append(out, failure{recipient: a})
				continue
			}
		}
		diag.WriteString(line + " ")
	}
	if len(out) > 0 {
		out[len(out)-1].diag += diag.String()
	}
	return out
}

// settleGmail reads the state and Gmail's words; a status the remote
// server gave that names a reason then overrides them.
func settleGmail(m *bounceMail, fs []failure) {
	for i := range fs {
		f := &fs[i]
		diag := cleanDiag(f.diag)
		if _, rest, ok := strings.Cut(diag, " (state "); ok {
			if st, _, ok := strings.Cut(rest, ")"); ok {
				if s, known := gmailStates[st]; known {
					f.command, f.reason = s[0], s[1]
				}
			}
		}
		if f.reason == "" {
			f.reason = reasonIn(diag, gmailMessages)
		}
		if f.reason == "" {
			continue
		}
		if code := findStatus(diag); code != "" {
			f.status = code
			if !strings.Contains(code, ".0") {
				f.reason = statusReason[code]
			}
		}
	}
}
