package app

import (
	"context"
	"time"

	"github.com/allyprm/ally/internal/ally"
)

// Tiers, phases and experience templates share one shape: a small named
// record with timestamps and a version. catalog describes one kind so the
// use cases are written once (see catalog_kinds.go for the three kinds).
type catalog[T any, F any] struct {
	kind     string // audit target type and action prefix
	prefix   string // id prefix
	read     ally.Scope
	write    ally.Scope
	find     func(context.Context, ally.Reader, string) (*T, error)
	list     func(context.Context, ally.Reader) ([]*T, error)
	validate func(*F, bool) error
	refs     func(context.Context, ally.Reader, *F) error // optional: checks ids the fields name
	apply    func(*T, *F, changes)                        // copies the given fields, noting each change
	meta     func(*T) meta
	create   func(context.Context, ally.Tx, *T) error
	update   func(context.Context, ally.Tx, *T) error
}

// meta points at the bookkeeping fields of one item.
type meta struct {
	id        *string
	createdAt *time.Time
	updatedAt *time.Time
	version   *int64
}

func (c *catalog[T, F]) get(ctx context.Context, a *App, actor ally.Actor, id string) (*T, error) {
	if err := require(actor, c.read); err != nil {
		return nil, err
	}
	t, err := c.find(ctx, a.store, id)
	if ally.IsNotFound(err) {
		return nil, ally.Errorf(ally.ECodeNotFound, "no %s %q", c.kind, id)
	}
	return t, err
}

func (c *catalog[T, F]) all(ctx context.Context, a *App, actor ally.Actor) ([]*T, error) {
	if err := require(actor, c.read); err != nil {
		return nil, err
	}
	return c.list(ctx, a.store)
}

func (c *catalog[T, F]) add(ctx context.Context, a *App, actor ally.Actor, f F) (*T, error) {
	if err := require(actor, c.write); err != nil {
		return nil, err
	}
	if err := c.validate(&f, true); err != nil {
		return nil, err
	}
	t := new(T)
	m := c.meta(t)
	now := a.clock()
	*m.id, *m.createdAt, *m.updatedAt, *m.version = ally.NewID(c.prefix), now, now, 1
	diff := changes{}
	c.apply(t, &f, diff)
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		if err := c.checkRefs(ctx, tx, &f); err != nil {
			return err
		}
		if err := c.create(ctx, tx, t); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, c.kind+".created", c.kind, *m.id, "", diff)
	})
	return t, err
}

func (c *catalog[T, F]) change(ctx context.Context, a *App, actor ally.Actor, id string, f F, ifVersion *int64) (*T, error) {
	if err := require(actor, c.write); err != nil {
		return nil, err
	}
	if err := c.validate(&f, false); err != nil {
		return nil, err
	}
	var t *T
	err := a.store.Write(ctx, func(tx ally.Tx) error {
		var err error
		if t, err = c.find(ctx, tx, id); err != nil {
			if ally.IsNotFound(err) {
				return ally.Errorf(ally.ECodeNotFound, "no %s %q", c.kind, id)
			}
			return err
		}
		m := c.meta(t)
		if err := checkVersion(ifVersion, *m.version); err != nil {
			return err
		}
		if err := c.checkRefs(ctx, tx, &f); err != nil {
			return err
		}
		diff := changes{}
		c.apply(t, &f, diff)
		if len(diff) == 0 {
			return nil
		}
		*m.updatedAt = a.clock()
		if err := c.update(ctx, tx, t); err != nil {
			return err
		}
		return a.record(ctx, tx, actor, c.kind+".updated", c.kind, id, "", diff)
	})
	return t, err
}

func (c *catalog[T, F]) checkRefs(ctx context.Context, r ally.Reader, f *F) error {
	if c.refs == nil {
		return nil
	}
	return c.refs(ctx, r, f)
}

// setIf copies src onto dst when given and different, noting the change.
func setIf[V comparable](c changes, field string, dst *V, src *V) {
	if src != nil && *dst != *src {
		c.add(field, *dst, *src)
		*dst = *src
	}
}
