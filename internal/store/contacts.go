package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/allyprm/ally/internal/ally"
)

// Contacts are the people at a partner; with portal access (any state but
// off) a contact is a partner user. A partial unique index keeps one portal
// login per e-mail address across all partners, while contacts without
// access may share an address (the same person known at two partners).

// CreateContact inserts c with its e-mail lowercased, portal "off" when
// unset and version 1 when c.Version is zero. An address that already has
// portal access elsewhere is an ECodeConflict *ally.Error; an unknown
// partner is ECodeInvalid.
func (t *tx) CreateContact(ctx context.Context, c *ally.Contact) error {
	if c.Version == 0 {
		c.Version = 1
	}
	cols, err := contactValues(c)
	if err != nil {
		return fmt.Errorf("store: create contact: %w", err)
	}
	args := append(append([]any{c.ID, c.Version}, cols...), millis(c.CreatedAt))
	_, err = t.q.ExecContext(ctx, `INSERT INTO contacts (id, version, partner_id, name,
		email, phone, title, roles, is_primary, portal, password_hash, must_change_password,
		notifications, last_sign_in_at, updated_at, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`, args...)
	if err != nil {
		return wrapUnlessDomain("create contact", badRef(constraintError(err, contactUniques), errNoPartner))
	}
	return nil
}

// UpdateContact writes every field of c but created_at if the stored
// version is c.Version, then increments c.Version. Turning portal access on
// for an address that has it at another contact is ECodeConflict.
func (t *tx) UpdateContact(ctx context.Context, c *ally.Contact) error {
	cols, err := contactValues(c)
	if err != nil {
		return fmt.Errorf("store: update contact: %w", err)
	}
	res, err := t.q.ExecContext(ctx, `UPDATE contacts SET partner_id = $3, name = $4,
		email = $5, phone = $6, title = $7, roles = $8, is_primary = $9, portal = $10,
		password_hash = $11, must_change_password = $12, notifications = $13,
		last_sign_in_at = $14, updated_at = $15, version = version + 1
		WHERE id = $1 AND version = $2`, append([]any{c.ID, c.Version}, cols...)...)
	err = badRef(constraintError(err, contactUniques), errNoPartner)
	if err == nil {
		err = t.checkVersioned(ctx, res, "contacts", c.ID)
	}
	if err != nil {
		return wrapUnlessDomain("update contact", err)
	}
	c.Version++
	return nil
}

// contactValues returns $3 … $15 of the insert and update: every column but
// id, version and created_at. It normalizes c in place (lowercase e-mail,
// portal "off" for unset) so c matches what was stored.
func contactValues(c *ally.Contact) ([]any, error) {
	c.Email = ally.NormalizeEmail(c.Email)
	if c.Portal == "" {
		// "" would count as portal access in the partial unique index.
		c.Portal = ally.PortalOff
	}
	roles, err := json.Marshal(c.Roles)
	if err != nil {
		return nil, fmt.Errorf("encode contact %s: %w", c.ID, err)
	}
	notify, err := json.Marshal(c.Notifications)
	if err != nil {
		return nil, fmt.Errorf("encode contact %s: %w", c.ID, err)
	}
	return []any{c.PartnerID, c.Name, c.Email, c.Phone, c.Title, string(roles), c.Primary,
		string(c.Portal), c.PasswordHash, c.MustChangePassword, string(notify),
		millis(c.LastSignInAt), millis(c.UpdatedAt)}, nil
}

// DeleteContact removes the contact and, with it, its sessions and tokens,
// so a deleted partner user is signed out everywhere and their invite and
// reset links stop working. An unknown id is ally.ErrNotFound.
func (t *tx) DeleteContact(ctx context.Context, id string) error {
	kind := string(ally.ActorPartner)
	if _, err := t.q.ExecContext(ctx, `DELETE FROM sessions WHERE kind = $1 AND subject_id = $2`, kind, id); err != nil {
		return fmt.Errorf("store: delete contact sessions: %w", err)
	}
	if _, err := t.q.ExecContext(ctx, `DELETE FROM tokens WHERE subject_kind = $1 AND subject_id = $2`, kind, id); err != nil {
		return fmt.Errorf("store: delete contact tokens: %w", err)
	}
	return execOne(ctx, t.q, "delete contact", `DELETE FROM contacts WHERE id = $1`, id)
}

const contactSelect = `SELECT id, partner_id, name, email, phone, title, roles, is_primary,
	portal, password_hash, must_change_password, notifications, last_sign_in_at,
	created_at, updated_at, version FROM contacts`

func scanContact(s scanner) (*ally.Contact, error) {
	var c ally.Contact
	var roles, portal, notify string
	var signIn, created, updated sql.NullInt64
	if err := s.Scan(&c.ID, &c.PartnerID, &c.Name, &c.Email, &c.Phone, &c.Title, &roles,
		&c.Primary, &portal, &c.PasswordHash, &c.MustChangePassword, &notify, &signIn,
		&created, &updated, &c.Version); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(roles), &c.Roles); err != nil {
		return nil, fmt.Errorf("decode contact %s roles: %w", c.ID, err)
	}
	if err := json.Unmarshal([]byte(notify), &c.Notifications); err != nil {
		return nil, fmt.Errorf("decode contact %s notifications: %w", c.ID, err)
	}
	c.Portal = ally.PortalStatus(portal)
	c.LastSignInAt, c.CreatedAt, c.UpdatedAt = fromMillis(signIn), fromMillis(created), fromMillis(updated)
	return &c, nil
}

// FindContactByID returns the contact with id, or ally.ErrNotFound.
func (q queries) FindContactByID(ctx context.Context, id string) (*ally.Contact, error) {
	return findOne(q.queryRow(ctx, contactSelect+` WHERE id = $1`, id), scanContact, "find contact")
}

// FindPortalContactByEmail returns the one contact with portal access (any
// state but off) at the address, compared lowercase, or ally.ErrNotFound.
// The condition repeats the partial index's, so the lookup uses it.
func (q queries) FindPortalContactByEmail(ctx context.Context, email string) (*ally.Contact, error) {
	return findOne(q.queryRow(ctx, portalContactSQL, ally.NormalizeEmail(email)), scanContact, "find portal contact")
}

const portalContactSQL = contactSelect + ` WHERE email = $1 AND portal <> 'off'`

// FindContacts returns up to f.Limit (default 50) contacts after f.After in
// id order: one partner's, every one with an e-mail, or both filters.
func (q queries) FindContacts(ctx context.Context, f ally.ContactFilter) ([]*ally.Contact, error) {
	query, args := contactListQuery(f)
	return findAll(ctx, q, query, args, scanContact, "find contacts")
}

// contactListQuery builds the list query; (partner_id, id) and (email, id)
// make either filter one index range in page order.
func contactListQuery(f ally.ContactFilter) (string, []any) {
	var w where
	if f.PartnerID != "" {
		w.add("partner_id = " + w.arg(f.PartnerID))
	}
	if f.Email != "" {
		w.add("email = " + w.arg(ally.NormalizeEmail(f.Email)))
	}
	if f.After != "" {
		w.add("id > " + w.arg(f.After))
	}
	return contactSelect + w.clause() + ` ORDER BY id LIMIT ` + limitSQL(&w, pageLimit(f.Limit)), w.args
}
