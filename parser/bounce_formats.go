package parser

import (
	"regexp"
	"strings"
)

// This file reads the bounces that follow no standard: the text an MTA
// writes for a person ("This message was created automatically by mail
// delivery software", "I'm afraid I wasn't able to deliver your message",
// "Delivery to the following recipient failed permanently", ...). They
// share a shape: a notice, the failed recipients each with the remote
// server's answer, then the returned message. The notice is recognised by
// the phrases of the known MTAs; the recipients and answers are read by
// the same rules for all.

// bounceMarkers are phrases of non-delivery notices, lower case: the
// opening words of the known MTAs' notices first, then general ones. They
// count only in mail a mail system sent (isMachine).
var bounceMarkers = []string{
	"this message was created automatically by mail delivery software",   // Exim
	"this message was created automatically by the smtp relay",           // Exim relay
	"a message that you sent could not be delivered",                     // Exim
	"a message that you sent has not yet been delivered",                 // Exim delay warning
	"a message that you sent contained one or more recipient addresses",  // Exim
	"i'm afraid i wasn't able to deliver your message",                   // qmail
	"--- below this line is a copy of the message.",                      // qmail
	"could not be delivered. this is a permanent error",                  // qmail variants
	"i'm sorry to have to inform you that your message could not",        // Postfix
	"delivery to the following recipient failed permanently",             // Gmail
	"delivery to the following recipient has been delayed",               // Gmail
	"delivery to the following recipients failed",                        // Gmail
	"the following addresses had permanent fatal errors",                 // Sendmail
	"the following addresses had transient non-fatal errors",             // Sendmail
	"the following addresses had delivery problems",                      // Biglobe
	"----- transcript of session follows -----",                          // Sendmail
	"did not reach the following recipient",                              // Exchange 2003
	"your message did not reach some or all of the intended recipients",  // Exchange
	"delivery has failed to these recipients or groups",                  // Exchange 2007+
	"couldn't be delivered.",                                             // Office 365
	"your message wasn't delivered to",                                   // Gmail, Google Workspace
	"there was an error delivering your mail to",                         // DragonFly
	"an error occurred while trying to deliver the mail",                 // Amazon WorkMail
	"was not delivered to:",                                              // Lotus Domino
	"the following recipients did not receive this message",              // au/ezweb
	"each of the following recipients was rejected",                      // au/ezweb
	"sorry, we were unable to deliver your message",                      // Yahoo
	"message could not be delivered to the following recipients",         // various
	"your message could not be delivered",                                // various
	"could not be delivered to the following recipient",                  // various
	"unable to deliver message to the following recipients",              // various
	"unable to deliver message to the following address",                 // Yahoo Japan
	"we had trouble delivering your message",                             // various
	"could not be delivered to one or more recipients",                   // various
	"this is the mail system at host",                                    // Postfix
	"delivery failed for the following recipient",                        // various
	"the original message was received at",                               // Sendmail
	"error: invalid user address",                                        // Apache James
	"failed addresses follow:",                                           // Exim 3, T-Online
	"sent <<< rcpt to:",                                                  // Trend Micro InterScan
	"unable to deliver message to:",                                      // MailFoundry
	"-------server message",                                              // m-FILTER
	"you are not a member of this mailing list",                          // fml
	"an email that you attempted to send to the following address could", // Mimecast
	"could not be delivered because of",                                  // MailMarshal
	"message from interscan messaging security suite",                    // Trend Micro InterScan
	"your delivery to the following address has been failed",             // X2 (NEC)
	"unable to deliver mail.",                                            // bare MAILER-DAEMON notices
	"duplicated message-id",                                              // fml
}

// machineSenders are From local parts and display names of mail systems.
var machineSenders = regexp.MustCompile(`(?i)(mailer-daemon|mailer_daemon|postmaster|post_master|mail delivery|mail administrator|mailerdaemon|system administrator|no-?reply|-admin@|bounce)`)

// bounceSubject matches the subjects mail systems give their notices.
var bounceSubject = regexp.MustCompile(`(?i)(undeliver|undelivered|delivery (status|failure|failed|notification|report)|mail delivery|returned mail|failure notice|delivery has failed|could not be delivered|non[- ]?remis|non recapitabile|unzustellbar|nicht zustellbar|returning message|mail system error|failed delivery|delivery problem|not delivered|warning: message|mail failure|loop alert|are not member|failure delivery|error sending your mail)`)

// replyOrForward matches a subject a person gives a reply or forward.
var replyOrForward = regexp.MustCompile(`(?i)^\s*(re|fwd?|aw|wg|tr|rif|i|sv|vs)\s*:`)

// isMachine tells whether the mail's headers show a mail system sent it.
func (m *bounceMail) isMachine() bool {
	if len(m.header.Values("X-Failed-Recipients")) > 0 {
		return true
	}
	if strings.TrimSpace(get(m.header, "Return-Path")) == "<>" {
		return true // the null reverse-path of notices (RFC 5321 section 4.5.5)
	}
	if machineSenders.MatchString(get(m.header, "From")) {
		return true
	}
	return bounceSubject.MatchString(m.subject) && !replyOrForward.MatchString(m.subject)
}

// formatFailures reads a non-standard notice, nil when the mail is none,
// with the format of the MTA that wrote it when it is known.
func (m *bounceMail) formatFailures() ([]failure, *mtaFormat) {
	if !m.isMachine() {
		return nil, nil
	}
	text := strings.Join(m.texts(), "\n")
	lower := asciiLower(text)
	format := m.mtaFormat(lower)
	if format == nil && !containsAny(lower, bounceMarkers) {
		return nil, nil
	}
	notice := cutOriginal(text)
	m.notice = notice
	if format != nil && format.read != nil {
		if fs := format.read(m, notice); len(fs) > 0 {
			return fs, format
		}
		// Another MTA writing the same words (1&1 as Exim): the general
		// rules read it.
		format = nil
	}
	return m.readNotice(notice), format
}

// originalMarkers begin the returned message in a notice, lower case.
var originalMarkers = []string{
	"------ this is a copy of the message",
	"    below is a copy of the original message:",
	"----- this is a copy of the message",
	"------ this is a copy of your message",
	"--- below this line is a copy of the message",
	"----- original message -----",
	"message headers follow",
	"included is a copy of the message header:",
	"--- the header of the original message is following",
	"----- the following is a copy of",
	"original message follows",
	"----- original message follows",
	"|------------------------- message text follows",
	"------ original message ------",
	"--- original message ---",
	"original message header",
	"----- unsent message follows",
	"----- message header follows",
	"the original message was:",
	"original mail as follows",
	"------ the body of the message",
	"--------original message--------",
}

// cutOriginal returns the notice part of a text: what stands before the
// returned original message.
func cutOriginal(text string) string {
	lower := asciiLower(text)
	end := len(text)
	for _, mk := range originalMarkers {
		if i := strings.Index(lower, mk); i >= 0 && i < end {
			end = i
		}
	}
	return text[:end]
}

// asciiLower lower-cases the ASCII letters of s only, so that offsets in
// the result are offsets in s (strings.ToLower may change the length of
// other letters).
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// containsAny tells whether s holds one of the phrases.
func containsAny(s string, phrases []string) bool {
	for _, p := range phrases {
		if strings.Contains(s, p) {
			return true
		}
	}
	return false
}

// noticeLines collects the failures of a notice and the lines of their
// diagnostics as they are read. The lines are joined at the end, which
// keeps reading linear in the notice's length whatever its shape: a mail
// of millions of short lines costs no more than its size.
type noticeLines struct {
	fs    []failure
	lines [][]string
}

// add starts a failure and returns it (valid until the next add).
func (n *noticeLines) add(f failure) *failure {
	n.fs = append(n.fs, f)
	n.lines = append(n.lines, nil)
	return &n.fs[len(n.fs)-1]
}

// last returns the failure being read, nil before the first.
func (n *noticeLines) last() *failure {
	if len(n.fs) == 0 {
		return nil
	}
	return &n.fs[len(n.fs)-1]
}

// note adds a line to the diagnostic of the failure being read.
func (n *noticeLines) note(line string) {
	if len(n.fs) > 0 {
		n.lines[len(n.lines)-1] = append(n.lines[len(n.lines)-1], line)
	}
}

// failures returns the failures, each diagnostic followed by its lines,
// joined by sep.
func (n *noticeLines) failures(sep string) []failure {
	for i := range n.fs {
		if len(n.lines[i]) > 0 {
			n.fs[i].diag = strings.Join(append([]string{n.fs[i].diag}, n.lines[i]...), sep)
		}
	}
	return n.fs
}

// addrPattern matches an address in running text.
var addrPattern = regexp.MustCompile(`[A-Za-z0-9!#$%&'*+/=?^_{|}~.-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+`)

// rcptLine matches a line that names a failed recipient on its own: the
// address alone (perhaps in brackets, quotes or with a colon), or leading
// the line before the error (Postfix, qmail: "<a@b>: text"), or after the
// ">>>" of Sendmail's transcript, or before Exchange's "on <date>".
var rcptLine = regexp.MustCompile(`^\s*(?:>>>\s*)?["<]?([^\s<>"@]+@[A-Za-z0-9.-]+\.[A-Za-z0-9-]+)[">]?(?:\s*\((?:expanded|generated) from [^)]*\))?\s*(:|\s+on\s|\s*\.{3}|\s<|\s\[|\s*$)(.*)$`)

// notRecipient are words before an address that make it something else
// than the failed recipient.
var notRecipient = regexp.MustCompile(`(?i)(mail from|from:|sender|envelope-from|generated from|expanded from|sent by|reply-to|return-path)\s*:?\s*<?$`)

// readNotice finds the failed recipients in a notice and what the notice
// says about each: the lines after the recipient up to the next one.
func (m *bounceMail) readNotice(notice string) []failure {
	lines := strings.Split(strings.ReplaceAll(notice, "\r", ""), "\n")
	own := map[string]bool{}
	for _, v := range m.header.Values("To") {
		for _, a := range addrPattern.FindAllString(v, -1) {
			own[strings.ToLower(a)] = true
		}
	}
	var n noticeLines
	indent := 0         // of the current recipient's line
	var before []string // lines before the first recipient
	for _, line := range lines {
		mm := rcptLine.FindStringSubmatch(line)
		ind := len(line) - len(strings.TrimLeft(line, " \t"))
		if cur := n.last(); mm != nil && cur != nil && (ind > indent || strings.EqualFold(mm[1], cur.recipient)) {
			mm = nil // the answer quotes the address: no new recipient
		}
		switch {
		case mm != nil:
			n.add(failure{recipient: mm[1], diag: strings.TrimSpace(mm[3])})
			indent = ind
		case n.last() == nil:
			before = append(before, line)
		default:
			n.note(line)
		}
	}
	out := n.failures("\n")
	if len(out) == 0 {
		// Exim and others name the failed recipients in a header field.
		for _, v := range m.header.Values("X-Failed-Recipients") {
			for _, a := range strings.Split(v, ",") {
				out = append(out, failure{recipient: strings.TrimSpace(a), diag: notice})
			}
		}
		if len(out) > 0 {
			return out
		}
		// No recipient on a line of its own: take the first address the
		// notice names that is not the sender's.
		for _, line := range lines {
			for _, loc := range addrPattern.FindAllStringIndex(line, -1) {
				a := line[loc[0]:loc[1]]
				if own[strings.ToLower(a)] || a == m.from || notRecipient.MatchString(line[:loc[0]]) {
					continue
				}
				return []failure{{recipient: a, diag: notice}}
			}
		}
		return nil
	}
	if len(out) == 1 && strings.TrimSpace(out[0].diag) == "" {
		out[0].diag = strings.Join(before, "\n")
	} else if len(out) == 1 && findStatus(out[0].diag) == "" && findReply(out[0].diag, "") == "" {
		// MailMarshal states the answer above the recipient list ("Could
		// not be delivered because of / 550 5.1.1 User unknown / The
		// following recipients were affected:").
		if b := strings.Join(before, "\n"); findStatus(b) != "" {
			out[0].diag = b + "\n" + out[0].diag
		}
	}
	for i := range out {
		out[i].command = smtpCommand(out[i].diag)
	}
	return out
}

// sessionCommands are the SMTP commands a diagnostic may name, in the
// order a session issues them (RFC 5321 section 3).
var sessionCommands = []string{"HELO", "EHLO", "STARTTLS", "AUTH", "MAIL", "RCPT", "DATA", "QUIT"}

// smtpCommand returns the SMTP command a diagnostic names that comes
// latest in a session ("after MAIL FROM ... in reply to RCPT TO" failed at
// RCPT), "" when it names none. Commands are upper case words, not parts
// of an address or a host name.
func smtpCommand(diag string) string {
	found := ""
	for _, c := range sessionCommands {
		for from := 0; ; {
			i := strings.Index(diag[from:], c)
			if i < 0 {
				break
			}
			i += from
			end := i + len(c)
			from = end
			if i > 0 && isWordByte(diag[i-1]) || end < len(diag) && isWordByte(diag[end]) {
				continue
			}
			found = c
			break
		}
	}
	return found
}

// isWordByte tells whether c may be part of a word, a host or an address.
func isWordByte(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c == '@' || c == '.' || c == '-'
}

// noticeLinesAfter returns the lines of a notice (CR trimmed) that follow the
// first line for which isStart holds, that line too when inclusive: most MTAs
// write their failure list below a fixed sentence of their own.
func noticeLinesAfter(notice string, inclusive bool, isStart func(line string) bool) []string {
	lines := strings.Split(notice, "\n")
	for i, line := range lines {
		if isStart(strings.TrimRight(line, "\r")) {
			if !inclusive {
				i++
			}
			out := lines[i:]
			for k := range out {
				out[k] = strings.TrimRight(out[k], "\r")
			}
			return out
		}
	}
	return nil
}
