package parser

import (
	"os"
	"strings"
	"testing"
)

func TestExtractReply(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want Reply
	}{
		{
			name: "closing with an emoji after it",
			in:   "Thanks for the update!\n\nCheers 🎉\nSarah\n",
			want: Reply{NewText: "Thanks for the update!", Signature: "Cheers 🎉\nSarah"},
		},
		{
			name: "an emoji alone is no closing",
			in:   "Thanks for the update!\n\n🎉\nSarah\n",
			want: Reply{NewText: "Thanks for the update!\n\n🎉\nSarah"},
		},
		{
			name: "German Outlook reply: Von/Gesendet/An/Betreff block, closing as signature",
			in: "Hallo,\n\nder Drucker im Lager druckt wieder.\n\nMit freundlichen Grüßen\nJonas Weber\nLager Hamburg\n\n" +
				"Von: OmniParcel Support <support@omniparcel.example>\nGesendet: Montag, 3. März 2025 09:15\n" +
				"An: Jonas Weber <j.weber@lager.example>\nBetreff: [TKT-7] Etikettendrucker\n\nBitte starten Sie den Drucker neu.\n",
			want: Reply{
				NewText:   "Hallo,\n\nder Drucker im Lager druckt wieder.",
				Signature: "Mit freundlichen Grüßen\nJonas Weber\nLager Hamburg",
				Quoted: "Von: OmniParcel Support <support@omniparcel.example>\nGesendet: Montag, 3. März 2025 09:15\n" +
					"An: Jonas Weber <j.weber@lager.example>\nBetreff: [TKT-7] Etikettendrucker\n\nBitte starten Sie den Drucker neu.",
			},
		},
		{
			name: "German Outlook: Ursprüngliche Nachricht, sender without address",
			in:   "Erledigt.\n\n-----Ursprüngliche Nachricht-----\nVon: Weber, Jonas\nGesendet: Montag, 3. März 2025 09:15\nAn: Support\nBetreff: Drucker\n\nDruckt nicht.",
			want: Reply{NewText: "Erledigt.", Quoted: "-----Ursprüngliche Nachricht-----\nVon: Weber, Jonas\nGesendet: Montag, 3. März 2025 09:15\nAn: Support\nBetreff: Drucker\n\nDruckt nicht."},
		},
		{
			name: "German Gmail: Am <date> schrieb <name>, wrapped address",
			in:   "Danke, das hat geholfen.\n\nAm Mo., 3. März 2025 um 09:15 Uhr schrieb OmniParcel Support <\nsupport@omniparcel.example>:\n\n> Bitte den Treiber neu installieren.\n",
			want: Reply{NewText: "Danke, das hat geholfen.", Quoted: "Am Mo., 3. März 2025 um 09:15 Uhr schrieb OmniParcel Support <\nsupport@omniparcel.example>:\n\n> Bitte den Treiber neu installieren."},
		},
		{
			name: "German: <name> schrieb am <date>",
			in:   "Passt.\n\nOmniParcel Support <support@omniparcel.example> schrieb am 03.03.2025 09:15:\n> Passt es so?",
			want: Reply{NewText: "Passt.", Quoted: "OmniParcel Support <support@omniparcel.example> schrieb am 03.03.2025 09:15:\n> Passt es so?"},
		},
		{
			name: "Italian Gmail: Il giorno ... ha scritto over two lines, Inviato da iPhone",
			in: "Sì, il problema è risolto.\n\nInviato da iPhone\n\nIl giorno lun 3 mar 2025 alle ore 10:12 Supporto <support@omniparcel.example>\nha scritto:\n\n" +
				"> Il problema è risolto?\n> \n> Supporto\n",
			want: Reply{
				NewText:   "Sì, il problema è risolto.",
				Signature: "Inviato da iPhone",
				Quoted:    "Il giorno lun 3 mar 2025 alle ore 10:12 Supporto <support@omniparcel.example>\nha scritto:\n\n> Il problema è risolto?\n> \n> Supporto",
			},
		},
		{
			name: "Italian: Il <date> ... ha scritto, Outlook-style unquoted history",
			in:   "Grazie.\n\nIl 03/03/2025 10:12, Supporto ha scritto:\nProvi a riavviare la stampante.",
			want: Reply{NewText: "Grazie.", Quoted: "Il 03/03/2025 10:12, Supporto ha scritto:\nProvi a riavviare la stampante."},
		},
		{
			name: "Italian Outlook: Da/Inviato/A/Oggetto and Cordiali saluti",
			in: "Buongiorno,\nla stampante funziona.\n\nCordiali saluti\nMarco Rossi\n\n________________________________\n" +
				"Da: Supporto <support@omniparcel.example>\nInviato: lunedì 3 marzo 2025 10:12\nA: Marco Rossi <m.rossi@cliente.example>\nOggetto: Stampante\n\nLa stampante funziona?",
			want: Reply{
				NewText:   "Buongiorno,\nla stampante funziona.",
				Signature: "Cordiali saluti\nMarco Rossi",
				Quoted: "________________________________\nDa: Supporto <support@omniparcel.example>\nInviato: lunedì 3 marzo 2025 10:12\n" +
					"A: Marco Rossi <m.rossi@cliente.example>\nOggetto: Stampante\n\nLa stampante funziona?",
			},
		},
		{
			name: "Dutch Apple Mail: Op <date> heeft <name> het volgende geschreven, Verzonden vanaf mijn iPhone",
			in: "Het werkt weer, bedankt!\n\nVerzonden vanaf mijn iPhone\n\n" +
				"> Op 3 mrt. 2025 om 10:12 heeft OmniParcel Support <support@omniparcel.example> het volgende geschreven:\n> \n> Werkt het nu?\n",
			want: Reply{
				NewText:   "Het werkt weer, bedankt!",
				Signature: "Verzonden vanaf mijn iPhone",
				Quoted:    "> Op 3 mrt. 2025 om 10:12 heeft OmniParcel Support <support@omniparcel.example> het volgende geschreven:\n> \n> Werkt het nu?",
			},
		},
		{
			name: "Dutch Gmail: Op <date> schreef <name>",
			in:   "Ja.\n\nOp ma 3 mrt 2025 om 10:12 schreef OmniParcel Support <support@omniparcel.example>:\n\n> Is het opgelost?",
			want: Reply{NewText: "Ja.", Quoted: "Op ma 3 mrt 2025 om 10:12 schreef OmniParcel Support <support@omniparcel.example>:\n\n> Is het opgelost?"},
		},
		{
			name: "Dutch: <name> schreef op <date>, Met vriendelijke groet",
			in:   "Klopt.\n\nMet vriendelijke groet,\nAnouk\n\nOmniParcel Support schreef op 3 maart 2025 10:12:\n> Klopt dit?",
			want: Reply{NewText: "Klopt.", Signature: "Met vriendelijke groet,\nAnouk", Quoted: "OmniParcel Support schreef op 3 maart 2025 10:12:\n> Klopt dit?"},
		},
		{
			name: "Dutch Outlook: Oorspronkelijk bericht, Van/Verzonden/Aan/Onderwerp",
			in:   "Prima.\n\n-----Oorspronkelijk bericht-----\nVan: Support <support@omniparcel.example>\nVerzonden: maandag 3 maart 2025 10:12\nAan: Anouk\nOnderwerp: Printer\n\nGaat het?",
			want: Reply{NewText: "Prima.", Quoted: "-----Oorspronkelijk bericht-----\nVan: Support <support@omniparcel.example>\nVerzonden: maandag 3 maart 2025 10:12\nAan: Anouk\nOnderwerp: Printer\n\nGaat het?"},
		},
		{
			name: "French: Le <date>, <name> a écrit with no-break space, Envoyé de mon iPhone",
			in:   "Merci, c'est réglé.\n\nEnvoyé de mon iPhone\n\nLe 3 mars 2025 à 10:12, Support <support@omniparcel.example> a\u00a0écrit\u00a0:\n\n> C'est réglé ?",
			want: Reply{
				NewText:   "Merci, c'est réglé.",
				Signature: "Envoyé de mon iPhone",
				Quoted:    "Le 3 mars 2025 à 10:12, Support <support@omniparcel.example> a\u00a0écrit\u00a0:\n\n> C'est réglé ?",
			},
		},
		{
			name: "French Outlook: Message d'origine, De/Envoyé/À/Objet",
			in:   "Bien reçu.\n\n-----Message d'origine-----\nDe : Support <support@omniparcel.example>\nEnvoyé : lundi 3 mars 2025 10:12\nÀ : Claire\nObjet : Imprimante\n\nAvez-vous reçu ?",
			want: Reply{NewText: "Bien reçu.", Quoted: "-----Message d'origine-----\nDe : Support <support@omniparcel.example>\nEnvoyé : lundi 3 mars 2025 10:12\nÀ : Claire\nObjet : Imprimante\n\nAvez-vous reçu ?"},
		},
		{
			name: "Spanish Gmail: El <date>, <name> escribió",
			in:   "Funciona, gracias.\n\nSaludos,\nLucía\n\nEl lun, 3 mar 2025 a las 10:12, Soporte (<support@omniparcel.example>) escribió:\n\n> ¿Funciona?",
			want: Reply{NewText: "Funciona, gracias.", Signature: "Saludos,\nLucía", Quoted: "El lun, 3 mar 2025 a las 10:12, Soporte (<support@omniparcel.example>) escribió:\n\n> ¿Funciona?"},
		},
		{
			name: "Spanish Outlook: Mensaje original, De/Enviado/Para/Asunto",
			in:   "Listo.\n\n-----Mensaje original-----\nDe: Soporte <support@omniparcel.example>\nEnviado: lunes, 3 de marzo de 2025 10:12\nPara: Lucía\nAsunto: Impresora\n\n¿Listo?",
			want: Reply{NewText: "Listo.", Quoted: "-----Mensaje original-----\nDe: Soporte <support@omniparcel.example>\nEnviado: lunes, 3 de marzo de 2025 10:12\nPara: Lucía\nAsunto: Impresora\n\n¿Listo?"},
		},
		{
			name: "English attribution wrapped over two lines",
			in:   "Labels print again.\n\nOn Mon, Mar 3, 2025 at 10:12 AM OmniParcel Support <support@omniparcel.example>\nwrote:\n\n> Do labels print?",
			want: Reply{NewText: "Labels print again.", Quoted: "On Mon, Mar 3, 2025 at 10:12 AM OmniParcel Support <support@omniparcel.example>\nwrote:\n\n> Do labels print?"},
		},
		{
			name: "Outlook web: underscores above From/Sent/To/Subject, Get Outlook for Android",
			in: "Confirmed, please close it.\n\nGet Outlook for Android<https://aka.ms/ghei36>\n________________________________\n" +
				"From: OmniParcel Support <support@omniparcel.example>\nSent: Monday, March 3, 2025 10:12:00 AM\nTo: Priya <priya@acme.example>\nSubject: [TKT-1] labels\n\nCan we close the ticket?",
			want: Reply{
				NewText:   "Confirmed, please close it.",
				Signature: "Get Outlook for Android<https://aka.ms/ghei36>",
				Quoted: "________________________________\nFrom: OmniParcel Support <support@omniparcel.example>\nSent: Monday, March 3, 2025 10:12:00 AM\n" +
					"To: Priya <priya@acme.example>\nSubject: [TKT-1] labels\n\nCan we close the ticket?",
			},
		},
		{
			name: "interleaved reply keeps the answers and the quotes they answer",
			in: "Hi,\n\nOn Mon, Mar 3, 2025 at 10:12 AM Support <support@omniparcel.example> wrote:\n> Which printer is it?\n\nThe Zebra ZT410.\n\n" +
				"> Which driver version?\n\n5.1.7, installed last week.\n\n> Anything else?\n> Support\n",
			want: Reply{
				NewText: "Hi,\n\nOn Mon, Mar 3, 2025 at 10:12 AM Support <support@omniparcel.example> wrote:\n> Which printer is it?\n\nThe Zebra ZT410.\n\n" +
					"> Which driver version?\n\n5.1.7, installed last week.",
				Quoted: "> Anything else?\n> Support",
			},
		},
		{
			name: "bottom-posted reply loses the quote above it",
			in:   "On 03/03/2025 10:12, Support wrote:\n> Does it print now?\n\nYes, it prints.\n\n-- \nPriya Natarajan\nAcme Freight",
			want: Reply{NewText: "Yes, it prints.", Signature: "-- \nPriya Natarajan\nAcme Freight", Quoted: "On 03/03/2025 10:12, Support wrote:\n> Does it print now?"},
		},
		{
			name: "quoted lines at the end without attribution",
			in:   "Done.\n\n> Please restart the spooler.\n> Support\n",
			want: Reply{NewText: "Done.", Quoted: "> Please restart the spooler.\n> Support"},
		},
		{
			name: "RFC 3676 signature delimiter",
			in:   "Please call me back.\n\n-- \nPriya Natarajan\nAcme Freight | +61 2 5550 1234\n",
			want: Reply{NewText: "Please call me back.", Signature: "-- \nPriya Natarajan\nAcme Freight | +61 2 5550 1234"},
		},
		{
			name: "Sent from my iPhone above an Apple Mail attribution",
			in:   "Yes, close it.\n\nSent from my iPhone\n\nOn 3 Mar 2025, at 10:12, Support <support@omniparcel.example> wrote:\n\n> Can we close it?",
			want: Reply{NewText: "Yes, close it.", Signature: "Sent from my iPhone", Quoted: "On 3 Mar 2025, at 10:12, Support <support@omniparcel.example> wrote:\n\n> Can we close it?"},
		},
		{
			name: "mobile signature in German, Outlook for Android",
			in:   "Erledigt.\n\nGesendet von Outlook für Android<https://aka.ms/AAb9ysg>\n\nDer Drucker druckt nicht.",
			want: Reply{NewText: "Erledigt.", Signature: "Gesendet von Outlook für Android<https://aka.ms/AAb9ysg>", Quoted: "Der Drucker druckt nicht."},
		},
		{
			name: "an address and a date in a sentence ending with a colon is no attribution",
			in:   "Please send the report of 12.03.2025 to <anna@acme.example>:\n- labels\n- manifests",
			want: Reply{NewText: "Please send the report of 12.03.2025 to <anna@acme.example>:\n- labels\n- manifests"},
		},
		{
			name: "mobile signatures in German",
			in:   "Passt so.\n\nVon meinem iPhone gesendet",
			want: Reply{NewText: "Passt so.", Signature: "Von meinem iPhone gesendet"},
		},
		{
			name: "ReplyMarker cuts first, above any other rule",
			in: "The printer works again.\n\n" + ReplyMarker + "\n\nOmniParcel Support\n\nYour ticket TKT-1 was updated.\n\n" +
				"On Mon, Mar 3, 2025 at 10:12 AM Priya <priya@acme.example> wrote:\n> Labels not printing.",
			want: Reply{
				NewText: "The printer works again.",
				Quoted: ReplyMarker + "\n\nOmniParcel Support\n\nYour ticket TKT-1 was updated.\n\n" +
					"On Mon, Mar 3, 2025 at 10:12 AM Priya <priya@acme.example> wrote:\n> Labels not printing.",
			},
		},
		{
			name: "ReplyMarker quoted below a top-posted reply",
			in: "Thanks, it works.\n\nOn Mon, Mar 3, 2025 at 10:12 AM postdesk <support@omniparcel.example> wrote:\n\n> " + ReplyMarker +
				"\n>\n> Your ticket TKT-1 was updated.\n",
			want: Reply{NewText: "Thanks, it works.", Quoted: "On Mon, Mar 3, 2025 at 10:12 AM postdesk <support@omniparcel.example> wrote:\n\n> " + ReplyMarker +
				"\n>\n> Your ticket TKT-1 was updated."},
		},
		{
			name: "ReplyMarker quoted above a bottom-posted reply cuts nothing",
			in:   "> " + ReplyMarker + "\n> Your ticket TKT-1 was updated.\n\nThanks, it works.",
			want: Reply{NewText: "Thanks, it works.", Quoted: "> " + ReplyMarker + "\n> Your ticket TKT-1 was updated."},
		},
		{
			name: "a line of the quote wrapped out of it by the client stays in the quote",
			in:   "Fixed.\n\nOn Mon, Mar 3, 2025 at 10:12 AM Support <s@omniparcel.example> wrote:\n> Please reinstall the driver from the download\npage and restart.\n> Support\n\n-- \nPriya",
			want: Reply{NewText: "Fixed.", Quoted: "On Mon, Mar 3, 2025 at 10:12 AM Support <s@omniparcel.example> wrote:\n> Please reinstall the driver from the download\npage and restart.\n> Support\n\n-- \nPriya"},
		},
		{
			name: "prose that looks like headers is kept",
			in: "On Monday we wrote: the depot is closed.\n\nShipment details:\nFrom: Hamburg\nTo: Milan\nDate: 12.03.2025\n\n" +
				"Sent from my desk, not my phone.\n\nThanks,\nPriya",
			want: Reply{NewText: "On Monday we wrote: the depot is closed.\n\nShipment details:\nFrom: Hamburg\nTo: Milan\nDate: 12.03.2025\n\n" +
				"Sent from my desk, not my phone.\n\nThanks,\nPriya"},
		},
		{
			name: "a closing followed by a P.S. is not a signature",
			in:   "It works.\n\nRegards,\nPriya\n\nP.S. The second printer has the same problem.",
			want: Reply{NewText: "It works.\n\nRegards,\nPriya\n\nP.S. The second printer has the same problem."},
		},
		{
			name: "forwarded mail below a note is quoted",
			in:   "Please look at this one.\n\n---------- Forwarded message ---------\nFrom: Depot <depot@acme.example>\nDate: Mon, Mar 3, 2025\nSubject: Labels\nTo: Priya <priya@acme.example>\n\nNo labels.",
			want: Reply{NewText: "Please look at this one.", Quoted: "---------- Forwarded message ---------\nFrom: Depot <depot@acme.example>\nDate: Mon, Mar 3, 2025\nSubject: Labels\nTo: Priya <priya@acme.example>\n\nNo labels."},
		},
		{
			name: "only a forward: no own text is cut away",
			in:   "---------- Forwarded message ---------\nFrom: Depot <depot@acme.example>\nDate: Mon, Mar 3, 2025\nSubject: Labels\n\nNo labels.",
			want: Reply{NewText: "---------- Forwarded message ---------\nFrom: Depot <depot@acme.example>\nDate: Mon, Mar 3, 2025\nSubject: Labels\n\nNo labels."},
		},
		{
			name: "only a signature is kept as new text",
			in:   "Sent from my iPhone",
			want: Reply{NewText: "Sent from my iPhone"},
		},
		{
			name: "only quoted lines",
			in:   "> old\n> text\n",
			want: Reply{Quoted: "> old\n> text"},
		},
		{
			name: "empty",
			in:   "",
			want: Reply{},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ExtractReply(tt.in); got != tt.want {
				t.Errorf("ExtractReply\n got %#v\nwant %#v", got, tt.want)
			}
		})
	}
}

func TestExtractReplyHTML(t *testing.T) {
	raw, err := os.ReadFile(mailDir + "/outlook-reply.eml")
	if err != nil {
		t.Fatal(err)
	}
	outlook, _ := Parse(raw)
	tests := []struct {
		name       string
		in         string
		newText    string
		signature  string
		quotedHead string // Quoted must start with this
	}{
		{
			name:       "Outlook desktop: header block with a top border (testdata/mail/outlook-reply.eml)",
			in:         outlook.HTML,
			newText:    "Hi,\n\nWe re-selected the printer profile as suggested and labels are printing again. You can close the ticket.\n\nThanks,\nPriya",
			quotedHead: "*From:* OmniParcel Support <support@omniparcel.example>\n*Sent:* Tuesday, 4 March 2025 8:15 PM",
		},
		{
			name: "German Outlook web: divRplyFwdMsg",
			in: `<html><body><div dir="ltr">Hallo,<br><br>der Drucker druckt wieder.<br><br>Mit freundlichen Grüßen<br>Jonas Weber<br>Lager Hamburg</div>` +
				`<hr style="display:inline-block;width:98%" tabindex="-1"><div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" color="#000000">` +
				`<b>Von:</b> Support &lt;support@omniparcel.example&gt;<br><b>Gesendet:</b> Montag, 3. März 2025 09:15<br><b>An:</b> Jonas Weber<br>` +
				`<b>Betreff:</b> Etikettendrucker</font><div>&nbsp;</div></div><div>Bitte starten Sie den Drucker neu.</div></body></html>`,
			newText:    "Hallo,\n\nder Drucker druckt wieder.",
			signature:  "Mit freundlichen Grüßen\nJonas Weber\nLager Hamburg",
			quotedHead: "*Von:* Support <support@omniparcel.example>",
		},
		{
			name: "Italian Gmail: gmail_quote with attribution and blockquote",
			in: `<div dir="ltr">Sì, confermo: il problema è risolto.<div><br></div><div>Grazie,</div><div>Marco</div></div><br><div class="gmail_quote">` +
				`<div dir="ltr" class="gmail_attr">Il giorno lun 3 mar 2025 alle ore 10:12 Supporto &lt;<a href="mailto:support@omniparcel.example">` +
				`support@omniparcel.example</a>&gt; ha scritto:<br></div><blockquote class="gmail_quote">Il problema è risolto?</blockquote></div>`,
			newText:    "Sì, confermo: il problema è risolto.\n\nGrazie,\nMarco",
			quotedHead: "Il giorno lun 3 mar 2025 alle ore 10:12 Supporto",
		},
		{
			name:       "Thunderbird: moz-cite-prefix",
			in:         `<html><body>Yes, that fixed it.<br><div class="moz-cite-prefix">On 03.03.25 10:12, Support wrote:<br></div><blockquote type="cite">Did the restart help?</blockquote></body></html>`,
			newText:    "Yes, that fixed it.",
			quotedHead: "On 03.03.25 10:12, Support wrote:",
		},
		{
			name:       "Yahoo: yahoo_quoted",
			in:         `<html><body><div>Thanks, works now.</div><div class="yahoo_quoted"><div>On Monday, March 3, 2025, 10:12:00 AM GMT+1, Support wrote:</div><div>Please try again.</div></div></body></html>`,
			newText:    "Thanks, works now.",
			quotedHead: "On Monday, March 3, 2025",
		},
		{
			name: "Apple Mail interleaved in blockquotes keeps the answers",
			in: `<html><body><div>See below.</div><blockquote type="cite"><div>Which printer model is it?</div></blockquote><div>The Zebra ZT410.</div>` +
				`<blockquote type="cite"><div>Driver version?</div></blockquote><div>5.1.7</div></body></html>`,
			newText: "See below.\n\n> \n> Which printer model is it?\n> \n\nThe Zebra ZT410.\n\n> \n> Driver version?\n> \n\n5.1.7",
		},
		{
			name: "Italian Outlook: a bordered signature above the bordered header block",
			in: `<p>Fatto.</p><div style="border-top:solid #ccc 1px">Marco Rossi | Magazzino Milano</div>` +
				`<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0cm 0cm 0cm"><p><b>Da:</b> Supporto &lt;support@omniparcel.example&gt;<br>` +
				`<b>Inviato:</b> lunedì 3 marzo 2025 10:12<br><b>A:</b> Marco<br><b>Oggetto:</b> Etichette</p></div><p>Funziona?</p>`,
			newText:    "Fatto.\n\n\nMarco Rossi | Magazzino Milano",
			quotedHead: "*Da:* Supporto <support@omniparcel.example>",
		},
		{
			name:    "a bordered div in own text is not a quote",
			in:      `<p>The label needs a frame:</p><div style="border-top:solid #000 1px">Line one of my own text</div><p>Best</p>`,
			newText: "The label needs a frame:\n\n\nLine one of my own text\n\nBest",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ExtractReplyHTML(tt.in)
			if got.NewText != tt.newText || got.Signature != tt.signature || !strings.HasPrefix(got.Quoted, tt.quotedHead) {
				t.Errorf("ExtractReplyHTML\n got %#v\nwant NewText %q, Signature %q, Quoted starting %q", got, tt.newText, tt.signature, tt.quotedHead)
			}
			if tt.quotedHead == "" && got.Quoted != "" {
				t.Errorf("Quoted = %q, want none", got.Quoted)
			}
		})
	}
}

// FuzzExtractReply checks that ExtractReply and ExtractReplyHTML never panic
// and that every line of NewText and Signature is text of the input.
func FuzzExtractReply(f *testing.F) {
	for _, s := range []string{
		"",
		"Hi\n\nOn Mon, Mar 3, 2025 at 10:12 AM A <a@b.example> wrote:\n> q\n",
		"a\n>:\n> q\nb\n> c",
		"x\n-----Original Message-----\nFrom: a@b\nSent: 1\nTo: c\nSubject: d\n\ne",
		"Regards,\n\n-- \n\nSent from my iPhone\n\n" + ReplyMarker,
		"> " + ReplyMarker + "\n\nanswer\n> q\nanswer 2\n",
		"<div id=divRplyFwdMsg><b>From:</b> a</div><blockquote>q</blockquote>x",
		"Begin forwarded message:\n\n> From: a <a@b>\n> Subject: s\n> Date: 1\n\n>> x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		r := ExtractReply(in)
		for _, part := range []string{r.NewText, r.Signature} {
			for _, line := range strings.Split(part, "\n") {
				if !strings.Contains(in, line) {
					t.Fatalf("line %q of %#v is not in the input %q", line, r, in)
				}
			}
		}
		if r.NewText == "" && hasOwn(strings.Split(in, "\n"), 0, len(strings.Split(in, "\n"))) {
			t.Fatalf("no NewText for input with own text %q: %#v", in, r)
		}
		ExtractReplyHTML(in)
		SplitForward(in)
	})
}
