package parser

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode/utf8"
)

// bounceStatus is what Bounce.Status may hold: nothing, or an enhanced
// status code (RFC 3463 section 2), sisimai's X.0.9xx codes included.
var bounceStatus = regexp.MustCompile(`^([245]\.[0-7]\.[0-9]{1,3})?$`)

// FuzzDetectBounce checks DetectBounce's contract on any input: no panic,
// and a Bounce only with recipients that are lower-case addresses in valid
// UTF-8, a well-formed status, and hardness only for the hard reasons.
func FuzzDetectBounce(f *testing.F) {
	for _, s := range []string{postfixUserUnknown, postfixMailboxFull, exchangeOnline, gmailClassic, eximRcpt,
		eximExpired, qmailBounce, feedbackReport, outOfOffice, humanUndelivered, humanForward, postmasterPerson, ""} {
		f.Add([]byte(s))
	}
	files, _ := filepath.Glob(filepath.Join(mailDir, "*.eml"))
	for _, file := range files {
		if raw, err := os.ReadFile(file); err == nil {
			f.Add(raw)
		}
	}
	for _, s := range []string{
		"Content-Type: message/delivery-status\r\n\r\nFinal-Recipient: rfc822; a@b\r\nStatus: 5.1.1\r\n",
		"From: MAILER-DAEMON\r\nSubject: Returned mail: x\r\n\r\n   ----- Transcript of session follows -----\r\n<<< 550\r\n",
		"From: mailer-daemon@googlemail.com\r\nX-Failed-Recipients: ,,\r\n\r\nGoogle Groups",
		"From: no-reply@sns.amazonaws.com\r\n\r\n{\"notificationType\":\"Bounce\",\"bounce\":{\"bouncedRecipients\":[{}]}}",
		"X-Apple-Unsubscribe: true\r\nFrom: x\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		msg, _ := Parse(raw)
		for _, b := range [](*Bounce){DetectBounce(raw, msg), DetectBounce(raw, nil)} {
			for _, r := range recipients(b) {
				if r.Recipient == "" || r.Recipient != strings.ToLower(r.Recipient) || !strings.Contains(r.Recipient, "@") || !utf8.ValidString(r.Recipient) {
					t.Fatalf("bad recipient %q in %+v", r.Recipient, r)
				}
				if !bounceStatus.MatchString(r.Status) {
					t.Fatalf("bad status %q in %+v", r.Status, r)
				}
				if r.Hard && r.Reason != "userunknown" && r.Reason != "hostunknown" && r.Reason != "hasmoved" && r.Reason != "notaccept" {
					t.Fatalf("hard bounce with reason %q: %+v", r.Reason, r)
				}
				if r.ReplyCode != 0 && (r.ReplyCode < 200 || r.ReplyCode > 599) {
					t.Fatalf("bad reply code %d in %+v", r.ReplyCode, r)
				}
			}
		}
	})
}
