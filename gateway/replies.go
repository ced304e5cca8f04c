package gateway

import (
	"errors"
	"fmt"
	"log/slog"

	"github.com/emersion/go-smtp"
)

// errNoSuchMailbox is a recipient that is not an address of the desk.
type errNoSuchMailbox struct{ rcpt, desk string }

func (e errNoSuchMailbox) Error() string { return "no such mailbox " + e.rcpt }

// errTooBig is a message over the size limit.
type errTooBig struct{ limit int64 }

func (e errTooBig) Error() string { return fmt.Sprintf("message over %d bytes", e.limit) }

// errRefused is a mail the desk's policy does not take (registration): it
// is refused whole, so that the sender's own mail system returns it with our
// sentence; nothing is opened and nothing is kept.
type errRefused struct{ reason, help string }

func (e errRefused) Error() string { return "refused: " + e.reason }

// accepted is the success of DATA, naming what became of the mail.
type accepted struct{ out Outcome }

func (a accepted) Error() string { return "accepted" }

// smtpReply is the one place where an outcome or error becomes what the SMTP
// client reads. go-smtp sends the text of any error that is not an
// *smtp.SMTPError as a permanent 554, and internal details must never reach a
// remote client, so every session method returns through here. The reply
// texts follow RFC 5321 section 4.2 and the enhanced codes RFC 3463.
func smtpReply(log *slog.Logger, err error) error {
	if err == nil {
		return nil
	}
	var (
		ok      accepted
		nobody  errNoSuchMailbox
		tooBig  errTooBig
		refused errRefused
	)
	switch {
	case errors.As(err, &refused):
		help := refused.help
		if help == "" {
			help = "please ask your organisation's contact or account manager to register you"
		}
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1},
			Message: "Not opened: only registered users may open tickets here; " + refused.reason + ". " + help}
	case errors.As(err, &ok):
		text := "Thank you: your mail is ticket " + ok.out.Ref
		switch {
		case ok.out.Duplicate:
			text = "Already received: this message was delivered before and is kept once"
			if ok.out.Ref != "" {
				text += " on ticket " + ok.out.Ref
			}
		case !ok.out.Created:
			text = "Thank you: your mail was added to ticket " + ok.out.Ref
		}
		return &smtp.SMTPError{Code: 250, EnhancedCode: smtp.EnhancedCode{2, 0, 0}, Message: text}
	case errors.As(err, &nobody):
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
			Message: fmt.Sprintf("<%s>: no such mailbox here; this desk takes mail for <%s>", nobody.rcpt, nobody.desk)}
	case errors.As(err, &tooBig):
		return &smtp.SMTPError{Code: 552, EnhancedCode: smtp.EnhancedCode{5, 3, 4},
			Message: fmt.Sprintf("Message too big: this desk takes messages of at most %s; "+
				"please send large files as a link", byteSize(tooBig.limit))}
	}
	log.Error("mail not accepted", "err", err)
	return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0},
		Message: "Your message could not be stored just now; please send it again later"}
}

func byteSize(n int64) string {
	switch {
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

// DeliverStatus maps an error of DeliverOne to a sysexits(3) status, which
// MTA pipe transports read, and the same sentence an SMTP client would get:
// 67 (no such user) and 65 (data error) bounce the mail, 75 (temporary
// failure) makes the MTA try again later, 77 (no permission) is a refusal
// by the desk's registration policy. Details go to the log only.
func DeliverStatus(log *slog.Logger, err error) (code int, text string) {
	reply, ok := smtpReply(log, err).(*smtp.SMTPError)
	if !ok {
		return 0, ""
	}
	switch {
	case reply.Code == 550 && reply.EnhancedCode == smtp.EnhancedCode{5, 7, 1}:
		return 77, reply.Message // EX_NOPERM: refused by policy
	case reply.Code == 550:
		return 67, reply.Message
	case reply.Code == 552:
		return 65, reply.Message
	}
	return 75, reply.Message
}
