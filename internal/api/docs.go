package api

import (
	"bytes"
	_ "embed"
	"fmt"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/danielgtaylor/huma/v2"
)

// The reference page at /api/v1/docs is rendered once, on the server, from
// the same OpenAPI object huma builds from the handlers' types, so it cannot
// drift from what the server does. It needs no JavaScript and no assets.

//go:embed docs.html.tmpl
var docsTemplate string

type docsView struct {
	Title, Version, Description string
	Groups                      []docGroup
	Schemas                     []docSchema
	Codes                       []docCode
}

type docGroup struct {
	Tag string
	Ops []docOp
}

type docOp struct {
	Method, Path, Summary, Description, Scope, Anchor string
	Params                                            []docField
	Body                                              []docField
	BodyName                                          string
	Responses                                         []docResponse
}

type docField struct {
	Name, In, Type, Rules, Doc string
	Required                   bool
}

type docResponse struct {
	Status, Description, Schema string
	Headers                     []string
}

type docSchema struct {
	Name   string
	Fields []docField
}

type docCode struct {
	Status int
	Code   string
	When   string
}

// renderDocs renders the reference page for the finished document.
func renderDocs(oapi *huma.OpenAPI) []byte {
	t := template.Must(template.New("docs").Funcs(template.FuncMap{"lower": strings.ToLower}).Parse(docsTemplate))
	var buf bytes.Buffer
	if err := t.Execute(&buf, buildDocs(oapi)); err != nil {
		panic("api: render reference page: " + err.Error())
	}
	return buf.Bytes()
}

func buildDocs(oapi *huma.OpenAPI) docsView {
	reg := oapi.Components.Schemas
	v := docsView{Title: oapi.Info.Title, Version: oapi.Info.Version, Description: oapi.Info.Description, Codes: errorCodes()}
	groups := map[string]*docGroup{}
	var order []string
	paths := make([]string, 0, len(oapi.Paths))
	for p := range oapi.Paths {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	for _, p := range paths {
		for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodPut, http.MethodDelete} {
			op := operation(oapi.Paths[p], m)
			if op == nil {
				continue
			}
			tag := "other"
			if len(op.Tags) > 0 {
				tag = op.Tags[0]
			}
			g, ok := groups[tag]
			if !ok {
				g = &docGroup{Tag: tag}
				groups[tag] = g
				order = append(order, tag)
			}
			g.Ops = append(g.Ops, buildOp(reg, op))
		}
	}
	for _, tag := range order {
		v.Groups = append(v.Groups, *groups[tag])
	}
	names := make([]string, 0, len(reg.Map()))
	for name := range reg.Map() {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		v.Schemas = append(v.Schemas, docSchema{Name: name, Fields: schemaFields(reg, reg.Map()[name])})
	}
	return v
}

func buildOp(reg huma.Registry, op *huma.Operation) docOp {
	d := docOp{Method: op.Method, Path: op.Path, Summary: op.Summary, Description: op.Description, Anchor: op.OperationID}
	for _, req := range op.Security {
		for _, scopes := range req {
			d.Scope = strings.Join(scopes, ", ")
		}
	}
	for _, p := range op.Parameters {
		d.Params = append(d.Params, docField{Name: p.Name, In: p.In, Required: p.Required,
			Type: typeName(reg, p.Schema), Rules: rules(p.Schema), Doc: p.Description})
	}
	if op.RequestBody != nil {
		if mt := op.RequestBody.Content["application/json"]; mt != nil && mt.Schema != nil {
			d.BodyName = strings.TrimPrefix(mt.Schema.Ref, "#/components/schemas/")
			d.Body = schemaFields(reg, mt.Schema)
		}
	}
	codes := make([]string, 0, len(op.Responses))
	for c := range op.Responses {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	for _, c := range codes {
		r := op.Responses[c]
		dr := docResponse{Status: c, Description: r.Description}
		if mt := r.Content["application/json"]; mt != nil && mt.Schema != nil {
			dr.Schema = typeName(reg, mt.Schema)
		}
		for h := range r.Headers {
			dr.Headers = append(dr.Headers, h)
		}
		slices.Sort(dr.Headers)
		d.Responses = append(d.Responses, dr)
	}
	return d
}

// schemaFields lists an object schema's members: required first, then by name.
func schemaFields(reg huma.Registry, s *huma.Schema) []docField {
	s = resolve(reg, s)
	if s == nil || s.Type != huma.TypeObject {
		return nil
	}
	names := make([]string, 0, len(s.Properties))
	for n := range s.Properties {
		names = append(names, n)
	}
	slices.SortFunc(names, func(a, b string) int {
		ra, rb := slices.Contains(s.Required, a), slices.Contains(s.Required, b)
		if ra != rb {
			if ra {
				return -1
			}
			return 1
		}
		return strings.Compare(a, b)
	})
	var out []docField
	for _, n := range names {
		p := s.Properties[n]
		doc := p.Description // a $ref's own description comes first
		if doc == "" {
			doc = resolve(reg, p).Description
		}
		out = append(out, docField{Name: n, Required: slices.Contains(s.Required, n),
			Type: typeName(reg, p), Rules: rules(resolve(reg, p)), Doc: doc})
	}
	return out
}

func resolve(reg huma.Registry, s *huma.Schema) *huma.Schema {
	for s != nil && s.Ref != "" {
		s = reg.SchemaFromRef(s.Ref)
	}
	return s
}

// typeName says what a value is: "string or null", "array of string", "Partner".
func typeName(reg huma.Registry, s *huma.Schema) string {
	if s == nil {
		return "any"
	}
	if s.Ref != "" {
		name := strings.TrimPrefix(s.Ref, "#/components/schemas/")
		if r := resolve(reg, s); r != nil && r.Nullable {
			name += " or null"
		}
		return name
	}
	t := s.Type
	switch {
	case t == "":
		t = "any"
	case t == huma.TypeArray:
		t = "array of " + typeName(reg, s.Items)
	case t == huma.TypeObject && s.Properties == nil:
		t = "object"
		if a, ok := s.AdditionalProperties.(*huma.Schema); ok && a.Ref != "" {
			t = "object of " + typeName(reg, a)
		}
	}
	if s.Format != "" {
		t += " (" + s.Format + ")"
	}
	if s.Nullable {
		t += " or null"
	}
	return t
}

// rules renders a schema's constraints in words.
func rules(s *huma.Schema) string {
	if s == nil {
		return ""
	}
	var r []string
	if s.Type == huma.TypeArray && s.Items != nil {
		if s.MaxItems != nil {
			r = append(r, fmt.Sprintf("at most %d items", *s.MaxItems))
		}
		if items := rules(s.Items); items != "" {
			r = append(r, "each: "+items)
		}
		return strings.Join(r, "; ")
	}
	if len(s.Enum) > 0 {
		vals := make([]string, len(s.Enum))
		for i, e := range s.Enum {
			vals[i] = fmt.Sprint(e)
		}
		r = append(r, "one of "+strings.Join(vals, ", "))
	}
	switch {
	case s.MinLength != nil && s.MaxLength != nil:
		r = append(r, fmt.Sprintf("%d to %d characters", *s.MinLength, *s.MaxLength))
	case s.MaxLength != nil:
		r = append(r, fmt.Sprintf("at most %d characters", *s.MaxLength))
	case s.MinLength != nil:
		r = append(r, fmt.Sprintf("at least %d characters", *s.MinLength))
	}
	if s.Minimum != nil && s.Maximum != nil {
		r = append(r, fmt.Sprintf("%s to %s", num(*s.Minimum), num(*s.Maximum)))
	}
	if s.MaxProperties != nil {
		r = append(r, fmt.Sprintf("at most %d properties", *s.MaxProperties))
	}
	if s.Default != nil {
		r = append(r, fmt.Sprintf("default %v", s.Default))
	}
	return strings.Join(r, "; ")
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// errorCodes is the table of the reference page's error section.
func errorCodes() []docCode {
	return []docCode{
		{400, "bad_request", "Malformed JSON, an unknown or read-only field, a bad cursor or If-Match."},
		{401, "unauthorized", "Missing, unknown or revoked API key."},
		{403, "forbidden", "The key lacks the scope the endpoint needs."},
		{404, "not_found", "No such object, or not one this key may see."},
		{409, "conflict", "The change conflicts with the current state, or an Idempotency-Key is still in use."},
		{412, "precondition_failed", "If-Match named a version that is no longer current."},
		{413, "request_too_large", "The body is larger than 1 MiB."},
		{415, "unsupported_media_type", "The body is not sent as application/json."},
		{422, "validation_failed", "A field is not valid (each is named in fields), or an Idempotency-Key was reused with another body."},
		{429, "rate_limited", "Too many requests for this key; wait Retry-After seconds."},
		{500, "internal", "Our fault; the message carries a request id to quote."},
	}
}
