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

// errNotTaken is a mail refused for what it asks, not for who sent it: a
// stranger naming a ticket (desk.strangers = "refuse"), a control mail that
// selects no ticket. The sentence says what would be taken.
type errNotTaken struct{ reason string }

func (e errNotTaken) Error() string { return "not taken: " + e.reason }

func (e errRefused) Error() string { return "refused: " + e.reason }

// errAuthRequired is MAIL on the submission listener before a successful
// AUTH (RFC 4954 section 6, RFC 6409 section 4.3).
type errAuthRequired struct{}

func (errAuthRequired) Error() string { return "authentication required" }

// errAuthFailed is an AUTH the desk refuses: unknown user, no password,
// wrong password or a role that may not submit. The client is told the same
// for all of them; reason goes to the log only.
type errAuthFailed struct{ user, reason string }

func (e errAuthFailed) Error() string { return "authentication failed for " + e.user + ": " + e.reason }

// errAuthMechanism is an AUTH with a SASL mechanism the desk does not offer.
type errAuthMechanism struct{ mech string }

func (e errAuthMechanism) Error() string { return "unsupported auth mechanism " + e.mech }

// errAuthUnavailable is an AUTH that could not be checked just now (the
// credentials could not be read).
type errAuthUnavailable struct{ err error }

func (e errAuthUnavailable) Error() string { return "check credentials: " + e.err.Error() }
func (e errAuthUnavailable) Unwrap() error { return e.err }

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
		ok       accepted
		nobody   errNoSuchMailbox
		tooBig   errTooBig
		refused  errRefused
		notTaken errNotTaken
		authErr  errAuthFailed
		mech     errAuthMechanism
		authTmp  errAuthUnavailable
	)
	switch {
	// RFC 4954 section 6 names the replies of AUTH and of mail before it.
	case errors.As(err, &authErr):
		log.Warn("smtp auth refused", "user", authErr.user, "reason", authErr.reason)
		return &smtp.SMTPError{Code: 535, EnhancedCode: smtp.EnhancedCode{5, 7, 8},
			Message: "Authentication credentials invalid"}
	case errors.As(err, &authTmp):
		log.Error("smtp auth not checked", "err", authTmp.err)
		return &smtp.SMTPError{Code: 454, EnhancedCode: smtp.EnhancedCode{4, 7, 0},
			Message: "Temporary authentication failure; please try again later"}
	case errors.As(err, &mech):
		return &smtp.SMTPError{Code: 504, EnhancedCode: smtp.EnhancedCode{5, 5, 4},
			Message: "Unrecognized authentication type; this desk takes PLAIN"}
	case errors.Is(err, errAuthRequired{}):
		return &smtp.SMTPError{Code: 530, EnhancedCode: smtp.EnhancedCode{5, 7, 0},
			Message: "Authentication required"}
	case errors.As(err, &refused):
		help := refused.help
		if help == "" {
			help = "please ask your organisation's contact or account manager to register you"
		}
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1},
			Message: "Not opened: " + refused.reason + ". " + help}
	case errors.As(err, &notTaken):
		log.Info("mail not taken", "reason", notTaken.reason)
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "Not taken: " + notTaken.reason}
	case errors.As(err, &ok):
		text := "Thank you: your mail is ticket " + ok.out.Ref
		switch {
		case ok.out.Duplicate:
			text = "Already received: this message was delivered before and is kept once"
			if ok.out.Ref != "" && !ok.out.Report { // a report's sender learns no ticket
				text += " on ticket " + ok.out.Ref
			}
		case ok.out.Report:
			text = "Delivery report received: thank you"
		case ok.out.Ref == "":
			text = "Thank you: your commands were received; the transcript mailed to you says what became of them"
		case !ok.out.Created:
			text = "Thank you: your mail was added to ticket " + ok.out.Ref
		}
		return &smtp.SMTPError{Code: 250, EnhancedCode: smtp.EnhancedCode{2, 0, 0}, Message: text}
	case errors.As(err, &nobody):
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 1, 1},
			Message: fmt.Sprintf("<%s>: no such mailbox here; this desk takes mail for <%s>", nobody.rcpt, nobody.desk)}
	case errors.Is(err, smtp.ErrDataReset):
		// RSET or a closed connection in the middle of BDAT (RFC 3030): the
		// client gave the mail up; nobody reads this reply.
		log.Info("mail transmission aborted by the client")
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0},
			Message: "Message transmission aborted; nothing was kept"}
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
