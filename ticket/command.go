package ticket

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Cmd names a mail command. Its words in each language are in Words.
type Cmd string

// The mail commands. Agents may use all of them; customers the ones
// Allowed says (see commands.go for what each does).
const (
	CmdTicket      Cmd = "ticket" // control mail: select the ticket the next lines act on
	CmdThanks      Cmd = "thanks" // control mail: end of the commands
	CmdStatus      Cmd = "status" // no argument: report; with a state: set it (agents)
	CmdAssign      Cmd = "assign"
	CmdSeverity    Cmd = "severity"
	CmdPriority    Cmd = "priority"
	CmdCategory    Cmd = "category"
	CmdDepartment  Cmd = "department"
	CmdResolution  Cmd = "resolution"
	CmdLink        Cmd = "link"
	CmdMerge       Cmd = "merge"
	CmdParticipant Cmd = "participant" // participant add|remove ADDRESS
	CmdShare       Cmd = "share"
	CmdUnshare     Cmd = "unshare"
	CmdNote        Cmd = "note"
	CmdResolved    Cmd = "resolved" // customer: confirm and close; agent: resolve
	CmdFailed      Cmd = "failed"   // the retest failed
	CmdCancel      Cmd = "cancel"
	CmdEscalate    Cmd = "escalate"
	CmdList        Cmd = "list"
	CmdReopen      Cmd = "reopen"
)

// Limits of one mail's commands, so a mail cannot make the desk work
// without bound.
const (
	MaxCommands    = 50
	MaxCommandLine = 1000 // bytes
)

// Command is one command line of a mail, as written and as understood.
type Command struct {
	// Line is the line as written, trimmed ("#status resolved").
	Line string
	// Cmd is the command the line's first words name; "" when they name
	// none (the line is refused as unknown).
	Cmd Cmd
	// Args is the rest of the line after the command's words, trimmed, in
	// the sender's spelling ("all orders affected").
	Args string
}

// Block is what ReadCommands finds in a mail's new text.
type Block struct {
	Commands []Command
	// Rest is the text after the block: the message itself.
	Rest string
}

// isCommandLine reports whether a trimmed line is a command line: "#"
// followed at once by a letter. "# Heading", "#1" and a lone "#" are text.
func isCommandLine(line string) bool {
	if !strings.HasPrefix(line, "#") {
		return false
	}
	r, _ := utf8.DecodeRuneInString(line[1:])
	return unicode.IsLetter(r)
}

// ReadCommands reads the command block at the top of a mail's new text (the
// text after quote and signature stripping): leading blank lines, then one
// command per line, each starting with "#". Blank lines inside the block are
// skipped; the first other line ends it and starts Rest.
func ReadCommands(text string, w Words) Block {
	lines := strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n")
	var b Block
	i := 0
	for ; i < len(lines); i++ {
		line := strings.TrimSpace(lines[i])
		if line == "" {
			continue
		}
		if !isCommandLine(line) {
			break
		}
		b.Commands = append(b.Commands, w.parse(line))
	}
	b.Rest = strings.TrimSpace(strings.Join(lines[i:], "\n"))
	return b
}

// ReadControl reads a mail to the control address: every command line until
// "#thanks" (or its aliases); lines that are not commands are skipped, since
// a control mail may open with a greeting. ignored counts them.
func ReadControl(text string, w Words) (cmds []Command, ignored int) {
	for _, line := range strings.Split(strings.ReplaceAll(text, "\r\n", "\n"), "\n") {
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		if !isCommandLine(line) {
			ignored++
			continue
		}
		c := w.parse(line)
		if c.Cmd == CmdThanks {
			break
		}
		cmds = append(cmds, c)
	}
	return cmds, ignored
}

// parse understands one command line: the longest phrase of Words that its
// first words spell (compared in lower case, up to four words), and the
// rest as the argument.
func (w Words) parse(line string) Command {
	c := Command{Line: line}
	if len(line) > MaxCommandLine {
		c.Line = truncateUTF8(line, MaxCommandLine) + "…"
		return c
	}
	fields := strings.Fields(line[1:])
	for n := min(4, len(fields)); n >= 1; n-- {
		phrase := strings.ToLower(strings.Join(fields[:n], " "))
		phrase = strings.TrimRight(phrase, ":.,;!")
		if cmd, ok := w[phrase]; ok {
			c.Cmd = cmd
			c.Args = strings.Join(fields[n:], " ")
			return c
		}
	}
	return c
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// Word is the first word of a command line that names no command, for the
// refusal ("#frobnicate").
func (c Command) Word() string {
	f := strings.Fields(c.Line)
	if len(f) == 0 {
		return c.Line
	}
	return f[0]
}
