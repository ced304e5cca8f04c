package ticket

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestReadCommands(t *testing.T) {
	w := CommandWords([]string{"de", "it", "nl"})
	cases := []struct {
		name string
		text string
		want []Command
		rest string
	}{
		{"plain text has none", "Thanks, that works.\n#status", nil, "Thanks, that works.\n#status"},
		{"block then message", "#status resolved\n#assign me\n\nWe replaced the printer driver.",
			[]Command{{Line: "#status resolved", Cmd: CmdStatus, Args: "resolved"}, {Line: "#assign me", Cmd: CmdAssign, Args: "me"}},
			"We replaced the printer driver."},
		{"leading blank lines and spaces", "\n\n   #escalate All orders affected now  \nHi",
			[]Command{{Line: "#escalate All orders affected now", Cmd: CmdEscalate, Args: "All orders affected now"}}, "Hi"},
		{"blank lines inside the block", "#severity 1\n\n#note called them\n\ntext",
			[]Command{{Line: "#severity 1", Cmd: CmdSeverity, Args: "1"}, {Line: "#note called them", Cmd: CmdNote, Args: "called them"}}, "text"},
		{"multi-word alias, longest first", "#retest failed\n#nachtest nicht erfolgreich\n#non risolto",
			[]Command{{Line: "#retest failed", Cmd: CmdFailed}, {Line: "#nachtest nicht erfolgreich", Cmd: CmdFailed}, {Line: "#non risolto", Cmd: CmdFailed}}, ""},
		{"case and trailing colon", "#STATUS: waiting", []Command{{Line: "#STATUS: waiting", Cmd: CmdStatus, Args: "waiting"}}, ""},
		{"unknown command kept for the refusal", "#frobnicate now", []Command{{Line: "#frobnicate now"}}, ""},
		{"markdown heading and numbers are text", "# Heading\n#1 first", nil, "# Heading\n#1 first"},
		{"crlf", "#list\r\nrest\r\n", []Command{{Line: "#list", Cmd: CmdList}}, "rest"},
		{"dutch and italian words", "#opgelost\n#condividi anna@client.example",
			[]Command{{Line: "#opgelost", Cmd: CmdResolved}, {Line: "#condividi anna@client.example", Cmd: CmdShare, Args: "anna@client.example"}}, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			b := ReadCommands(c.text, w)
			if len(b.Commands) != len(c.want) {
				t.Fatalf("got %d commands %+v, want %+v", len(b.Commands), b.Commands, c.want)
			}
			for i, got := range b.Commands {
				if got != c.want[i] {
					t.Errorf("command %d = %+v, want %+v", i, got, c.want[i])
				}
			}
			if b.Rest != c.rest {
				t.Errorf("rest = %q, want %q", b.Rest, c.rest)
			}
		})
	}
}

func TestEnglishOnlyDeskIgnoresOtherLanguages(t *testing.T) {
	b := ReadCommands("#erledigt", CommandWords(nil))
	if len(b.Commands) != 1 || b.Commands[0].Cmd != "" {
		t.Fatalf("an English desk read #erledigt as %+v", b.Commands)
	}
}

func TestReadControl(t *testing.T) {
	w := CommandWords(nil)
	cmds, ignored := ReadControl("Hello desk,\n#ticket TKT-1\n#status\n#ticket TKT-2\n#cancel\n#thanks\n#cancel\n", w)
	if ignored != 1 || len(cmds) != 4 || cmds[0].Cmd != CmdTicket || cmds[0].Args != "TKT-1" || cmds[3].Cmd != CmdCancel {
		t.Fatalf("got %+v, %d ignored", cmds, ignored)
	}
}

func TestLongLineIsCut(t *testing.T) {
	b := ReadCommands("#note "+strings.Repeat("é", MaxCommandLine), CommandWords(nil))
	if len(b.Commands) != 1 || b.Commands[0].Cmd != "" || !utf8.ValidString(b.Commands[0].Line) || len(b.Commands[0].Line) > MaxCommandLine+4 {
		t.Fatalf("long line: %+v", b.Commands)
	}
}

func TestReadStatus(t *testing.T) {
	for in, want := range map[string]Status{"resolved": StatusResolved, "In Progress": StatusInProgress,
		"waiting-customer": StatusWaitingCustomer, "on hold": StatusWaitingCustomer, "Rückmeldung": StatusWaitingCustomer} {
		if got, ok := readStatus(in); !ok || got != want {
			t.Errorf("readStatus(%q) = %q, %v; want %q", in, got, ok, want)
		}
	}
	if _, ok := readStatus("sleeping"); ok {
		t.Error("readStatus accepted sleeping")
	}
}

// FuzzReadCommands proves the grammar never panics, keeps every line
// valid UTF-8 when the input is, and never loses the message: the commands'
// lines and the rest together come from the input.
func FuzzReadCommands(f *testing.F) {
	for _, s := range []string{"#status resolved\nhi", "#", "#\xff", "\n\n#note x\n\n#ticket T-1\r\n#thanks", "#é", "# a\n#b"} {
		f.Add(s)
	}
	w := CommandWords(Languages)
	f.Fuzz(func(t *testing.T, text string) {
		b := ReadCommands(text, w)
		if len(b.Rest) > len(text) {
			t.Fatalf("rest longer than the text")
		}
		for _, c := range b.Commands {
			if !strings.HasPrefix(c.Line, "#") {
				t.Fatalf("command line %q does not start with #", c.Line)
			}
			if utf8.ValidString(text) && !utf8.ValidString(c.Line) {
				t.Fatalf("invalid UTF-8 from valid input: %q", c.Line)
			}
		}
		cmds, _ := ReadControl(text, w)
		d := Desk{Prefix: "TKT", Address: "support@desk.example", MaxSeverity: 3, Reopen: ReopenPolicy{Mode: ReopenTicket}}
		tk := Ticket{Ref: "TKT-1", Status: StatusNew, Requester: "a@b.example", Severity: 3}
		for _, s := range []Sender{{Email: "a@b.example", Proof: ProofToken}, {Email: "ag@desk.example", Proof: ProofDKIM, User: &User{Role: RoleAgent}}} {
			got := ApplyCommands(d, tk, s, append(b.Commands, cmds...), Facts{}, w, time.Unix(0, 0))
			if !got.OK && (got.Ticket.Status != tk.Status || len(got.Events) != 0) {
				t.Fatalf("refused commands changed the ticket: %+v", got)
			}
		}
	})
}
