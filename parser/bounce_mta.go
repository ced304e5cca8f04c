package parser

import "strings"

// This file holds what is particular to the notices of each MTA: how to
// tell its notices, how to read them and what its own words mean. The
// words come from the MTAs' sources where they are public (Exim's
// deliver.c, Postfix's bounce(5), OpenSMTPD's bounce.c, dma's mail.c) and
// from their notices; the other files bounce_*.go hold the larger forms.

// mtaFormat is one MTA's notice form.
type mtaFormat struct {
	name string
	// is tells whether the mail is this MTA's notice; lower is its text,
	// lower case.
	is func(m *bounceMail, lower string) bool
	// read reads the failures from the notice (the text before the
	// returned message); nil means the general rules (readNotice).
	read func(m *bounceMail, notice string) []failure
	// settle sets what the MTA's words say about each failure.
	settle func(m *bounceMail, fs []failure)
	// textOnly is set for MTAs whose delivery status part says less than
	// their text (OpenSMTPD's carries no diagnostic): the part is ignored.
	textOnly bool
}

// mtaFormats are the known forms, tried in this order (the first whose is
// holds reads the notice). The others, qmail's, Courier's, Exchange 2007's
// and Office 365's among them, are read by the general rules and their
// delivery status parts.
var mtaFormats = []mtaFormat{
	{"dragonfly", isDragonFly, readDragonFly, settleNothing, false},
	{"zoho", isZoho, readZoho, settleNothing, false},
	{"exim", isExim, readExim, settleExim, false},
	{"postfix", isPostfix, readPostfix, settlePostfix, false},
	{"sendmail", isSendmail, readSendmail, settleSendmail, false},
	{"v5sendmail", isV5Sendmail, readV5Sendmail, settleNothing, false},
	{"gmail", isGmail, readGmail, settleGmail, false},
	{"opensmtpd", isOpenSMTPD, readOpenSMTPD, settleOpenSMTPD, true},
	{"exchange2003", isExchange2003, readExchange2003, settleNothing, false},
	{"ezweb", isEZweb, readEZweb, settleNothing, false},
	{"kddi", isKDDI, readKDDI, settleNothing, false},
	{"imailserver", isIMailServer, readIMailServer, settleNothing, false},
	{"notes", isNotes, readNotes, settleNothing, false},
	{"verizon", isVerizon, readVerizon, settleNothing, false},
	{"domino", isDomino, readDomino, settleNothing, false},
	{"fml", isFML, readFML, settleNothing, false},
	{"x3", isX3, readX3, settleNothing, false},
}

// reasonText is an MTA's own words and the reason they mean.
type reasonText struct{ reason, text string }

// reasonIn returns the reason of the first entry of table whose words text
// holds, "" when none.
func reasonIn(text string, table []reasonText) string {
	for _, e := range table {
		if strings.Contains(text, e.text) {
			return e.reason
		}
	}
	return ""
}

// mtaFormat returns the format of the MTA that wrote the notice, nil when
// none is known.
func (m *bounceMail) mtaFormat(lower string) *mtaFormat {
	for i := range mtaFormats {
		if mtaFormats[i].is(m, lower) {
			return &mtaFormats[i]
		}
	}
	return nil
}

// isPostfix tells Postfix's notices (bounce(5)) by their subject and
// opening words, and the transcripts its SMTP server sends the
// postmaster (smtpd_chat.c: "Postfix SMTP server: errors from ...").
func isPostfix(m *bounceMail, lower string) bool {
	if strings.Contains(m.subject, "smtp server: errors from ") {
		return strings.Contains(lower, "transcript of session follows")
	}
	if m.subject != "undelivered mail returned to sender" {
		return false
	}
	return strings.Contains(lower, "this is the mail system at host") || strings.Contains(lower, "the postfix program") ||
		strings.Contains(lower, "this is the postfix program") || strings.Contains(lower, "the mail system")
}

// readPostfix reads a notice by the general rules, and a transcript of
// the Postfix SMTP server's session: each "In: RCPT TO:<a@b>" names a
// recipient, and the first "Out:" answer of class 4 or 5 after it is the
// failure.
func readPostfix(m *bounceMail, notice string) []failure {
	if !strings.Contains(m.subject, "smtp server: errors from ") {
		return m.readNotice(notice)
	}
	var out []failure
	var cmd string
	lines := strings.Split(notice, "\n")
	for i := 0; i < len(lines); i++ {
		// Folded arguments continue on indented lines.
		folded := []string{strings.TrimSpace(lines[i])}
		for i+1 < len(lines) && strings.HasPrefix(lines[i+1], "    ") {
			i++
			folded = append(folded, strings.TrimSpace(lines[i]))
		}
		line := strings.Join(folded, " ")
		if in, ok := strings.CutPrefix(line, "In:"); ok {
			in = strings.TrimSpace(in)
			cmd = smtpCommand(in)
			if cmd == "RCPT" {
				if _, a, ok := strings.Cut(in, "<"); ok {
					a, _, _ = strings.Cut(a, ">")
					out = append(out, failure{recipient: a})
				}
			}
			continue
		}
		if reply, ok := strings.CutPrefix(line, "Out:"); ok && len(out) > 0 {
			reply = strings.TrimSpace(reply)
			f := &out[len(out)-1]
			if f.diag == "" && (strings.HasPrefix(reply, "4") || strings.HasPrefix(reply, "5")) {
				f.diag, f.command = reply, cmd
			}
		}
	}
	return out
}

// settlePostfix: a server that refused the connection ("refused to talk to
// me") failed the greeting.
func settlePostfix(m *bounceMail, fs []failure) {
	for i := range fs {
		f := &fs[i]
		if f.spec == "x-postfix" {
			f.spec = "smtp"
		}
		if f.command == "" && strings.Contains(f.diag, "refused to talk to me:") {
			f.command = "HELO"
		}
	}
}

// isOpenSMTPD tells OpenSMTPD's notices (smtpd/bounce.c) by their opening.
func isOpenSMTPD(m *bounceMail, lower string) bool {
	return strings.Contains(lower, "this is the mailer-daemon, please do not reply to this")
}

// readOpenSMTPD reads "recipient: diagnostic" lines after the opening.
func readOpenSMTPD(m *bounceMail, notice string) []failure {
	var out []failure
	in := false
	for _, line := range strings.Split(notice, "\n") {
		line = strings.TrimRight(line, "\r")
		if !in {
			in = strings.HasPrefix(line, "    This is the MAILER-DAEMON, please DO NOT REPLY to this")
			continue
		}
		at := strings.IndexByte(line, '@')
		if at < 0 || !strings.Contains(line[at:], " ") {
			continue
		}
		rcpt, diag, _ := strings.Cut(line, ": ")
		out = append(out, failure{recipient: strings.TrimSuffix(rcpt, ":"), diag: diag})
	}
	return out
}

// openSMTPDMessages are OpenSMTPD's own words (smtpd/queue.c, mta.c).
var openSMTPDMessages = []reasonText{
	{"expired", "Envelope expired"},
	{"securityerror", "Could not retrieve credentials"},
	{"hostunknown", "Invalid domain name"},
	{"hostunknown", "Domain does not exist"},
	{"networkerror", "Address family mismatch on destination MXs"},
	{"networkerror", "All routes to destination blocked"},
	{"networkerror", "bad DNS lookup error code"},
	{"networkerror", "Could not retrieve source address"},
	{"networkerror", "Loop detected"},
	{"networkerror", "Network error on destination MXs"},
	{"networkerror", "No valid route to remote MX"},
	{"networkerror", "No valid route to destination"},
	{"networkerror", "Temporary failure in MX lookup"},
	{"notaccept", "Destination seem to reject all mails"},
	{"notaccept", "No MX found for domain"},
	{"notaccept", "No MX found for destination"},
}

// settleOpenSMTPD names the reasons OpenSMTPD's own words give.
func settleOpenSMTPD(m *bounceMail, fs []failure) {
	for i := range fs {
		fs[i].reason = reasonIn(fs[i].diag, openSMTPDMessages)
	}
}

// settleNothing is the settle of formats whose read says all.
func settleNothing(*bounceMail, []failure) {}

// isDragonFly tells the notices of DragonFly's dma (mail.c).
func isDragonFly(m *bounceMail, lower string) bool {
	if !strings.Contains(m.subject, "mail delivery failed") {
		return false
	}
	for _, r := range m.header.Values("Received") {
		if strings.Contains(r, " (DragonFly Mail Agent") {
			return true
		}
	}
	return false
}

// readDragonFly reads "There was an error delivering your mail to <a@b>."
// and the lines after it; dma's own words (dma.c, net.c) name expiry and
// unknown hosts.
func readDragonFly(m *bounceMail, notice string) []failure {
	var n noticeLines
	for _, line := range noticeLinesAfter(notice, false, func(line string) bool {
		return strings.HasPrefix(line, "This is the DragonFly Mail Agent ")
	}) {
		if line == "" {
			continue
		}
		if rest, ok := strings.CutPrefix(line, "There was an error delivering your mail to <"); ok {
			rcpt, _, _ := strings.Cut(rest, ">")
			n.add(failure{recipient: rcpt})
			continue
		}
		f := n.last()
		if f == nil {
			continue
		}
		n.note(line)
		if strings.Contains(line, " did not like our ") && f.command == "" {
			f.command = smtpCommand(line)
		}
	}
	out := n.failures(" ")
	for i := range out {
		switch f := &out[i]; {
		case strings.Contains(f.diag, "Could not deliver for the last "):
			f.reason = "expired"
		case strings.Contains(f.diag, "DNS lookup failure: host "):
			f.reason = "hostunknown"
		}
	}
	return out
}
