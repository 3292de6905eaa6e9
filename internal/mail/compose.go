package mail

import (
	"bytes"
	"embed"
	"fmt"
	htmltemplate "html/template"
	"strings"
	"sync"
	texttemplate "text/template"

	"github.com/allyprm/ally/internal/ally"
)

// The kinds of e-mail Compose knows, each with its data type.
const (
	KindInvite         = "invite"                // InviteData: a partner contact is invited to the portal
	KindReset          = "reset"                 // ResetData: a password reset link
	KindSignupVerify   = "signup_verify"         // SignupData: confirm the address of a self sign-up
	KindEmailChange    = "email_change"          // EmailChangeData: confirm a new address
	KindPartnerUpdated = "partner_updated_owner" // PartnerUpdatedData: a partner edited its profile
	KindTest           = "test"                  // TestData: the admin's "send a test e-mail"
	KindLeadDelivery   = "lead_delivery"         // LeadDeliveryData: a lead delivered to a partner's recipients
)

// Kinds lists every kind Compose accepts.
func Kinds() []string {
	return []string{KindInvite, KindReset, KindSignupVerify, KindEmailChange, KindPartnerUpdated, KindTest, KindLeadDelivery}
}

//go:embed templates
var templateFS embed.FS

// Templates composes e-mails. It is cheap to make (the templates are parsed
// on first use, once) and safe for concurrent use; the zero value works.
type Templates struct {
	once  sync.Once
	kinds map[string]*kindTemplates
	err   error
}

// kindTemplates are one kind's parsed templates: "subject" and "text" in the
// text set, "content" inside the shared layout in the HTML set.
type kindTemplates struct {
	text *texttemplate.Template
	html *htmltemplate.Template
}

// NewTemplates returns the e-mail templates.
func NewTemplates() *Templates { return &Templates{} }

// Compose renders the e-mail of kind for the recipients: subject, plain
// text and HTML, in the vendor's branding. data must be the kind's data
// type (or a pointer to it); every value in it is escaped in the HTML part.
// Links in data must be absolute and built from ALLY_BASE_URL.
func (t *Templates) Compose(kind string, data any, b ally.Branding, to ...string) (ally.Email, error) {
	if err := t.parse(); err != nil {
		return ally.Email{}, err
	}
	k, ok := t.kinds[kind]
	if !ok {
		return ally.Email{}, fmt.Errorf("mail: unknown e-mail kind %q", kind)
	}
	if err := checkData(kind, data); err != nil {
		return ally.Email{}, err
	}
	if len(to) == 0 {
		return ally.Email{}, fmt.Errorf("mail: %s e-mail has no recipient", kind)
	}
	v := view{Brand: brandOf(b), Data: data}
	var subject, text, html bytes.Buffer
	if err := k.text.ExecuteTemplate(&subject, "subject", v); err != nil {
		return ally.Email{}, fmt.Errorf("mail: %s subject: %w", kind, err)
	}
	// One line: a subject never carries a line break into the header.
	v.Subject = strings.Join(strings.Fields(subject.String()), " ")
	if err := k.text.ExecuteTemplate(&text, "layout.txt", v); err != nil {
		return ally.Email{}, fmt.Errorf("mail: %s text: %w", kind, err)
	}
	if err := k.html.ExecuteTemplate(&html, "layout.html", v); err != nil {
		return ally.Email{}, fmt.Errorf("mail: %s html: %w", kind, err)
	}
	return ally.Email{
		To:      append([]string(nil), to...),
		Subject: v.Subject,
		Text:    tidyText(text.String()),
		HTML:    html.String(),
	}, nil
}

// view is what the templates see: the branding, the subject (for the HTML
// title) and the kind's data.
type view struct {
	Brand   brand
	Subject string
	Data    any
}

// parse parses every kind's templates, once.
func (t *Templates) parse() error {
	t.once.Do(func() {
		t.kinds = map[string]*kindTemplates{}
		for _, kind := range Kinds() {
			k, err := parseKind(kind)
			if err != nil {
				t.err = fmt.Errorf("mail: templates of %s: %w", kind, err)
				return
			}
			t.kinds[kind] = k
		}
	})
	return t.err
}

func parseKind(kind string) (*kindTemplates, error) {
	text, err := texttemplate.New(kind).Option("missingkey=error").
		ParseFS(templateFS, "templates/layout.txt", "templates/"+kind+".txt")
	if err != nil {
		return nil, err
	}
	html, err := htmltemplate.New(kind).Option("missingkey=error").Funcs(htmltemplate.FuncMap{"button": button}).
		ParseFS(templateFS, "templates/layout.html", "templates/"+kind+".html")
	if err != nil {
		return nil, err
	}
	return &kindTemplates{text: text, html: html}, nil
}

// tidyText drops trailing spaces and runs of blank lines that template
// conditionals leave behind in the plain-text part.
func tidyText(s string) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	out := make([]string, 0, len(lines))
	for _, l := range lines {
		l = strings.TrimRight(l, " \t")
		if l == "" && (len(out) == 0 || out[len(out)-1] == "") {
			continue
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n")) + "\n"
}
