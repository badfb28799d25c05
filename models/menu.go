package models

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// NavItem is one entry of the navigation menu the manager orders.
type NavItem struct {
	ID        int64 `gorm:"primaryKey"`
	TenantID  int64
	Title     string
	Path      string
	SortOrder int
}

// MaxNavItems follows NHS England's guidance: 5 to 7 flat items.
const MaxNavItems = 7

// NavItems returns the menu in order.
func (t *TenantDB) NavItems() ([]NavItem, error) {
	var items []NavItem
	err := t.scoped.Order("sort_order").Find(&items).Error
	return items, translate("navigation", err)
}

// Editing the header navigation menu one item at a time. The menu has no
// version column: every edit names the fingerprint of the list it was made
// on, and an edit of a list that has changed since is an *EditConflictError.

// Audit actions of the navigation menu.
const (
	AuditMenuAdd    = "menu.add"
	AuditMenuEdit   = "menu.edit"
	AuditMenuRemove = "menu.remove"
	AuditMenuMove   = "menu.move"
	AuditMenuStart  = "menu.start"
)

// menuSubject is a menu item as the audit log names it: its title and, in
// brackets, its path (or the direction it moved).
func menuSubject(title, detail string) string { return title + " (" + detail + ")" }

// Recommended size of the menu: NHS England asks for 5 to 7 items.
const MinNavItems = 5

// menuWhat names the menu in an EditConflictError.
const menuWhat = "the menu"

// MenuFingerprint is a short hash of the menu as listed: its items' ids,
// titles and paths in order.
func MenuFingerprint(items []NavItem) string {
	h := sha256.New()
	for _, it := range items {
		fmt.Fprintf(h, "%d\x00%s\x00%s\x00", it.ID, it.Title, it.Path)
	}
	return hex.EncodeToString(h.Sum(nil))[:20]
}

// menuItems lists the menu in display order, ties by id.
func menuItems(t *TenantDB) ([]NavItem, error) {
	var items []NavItem
	err := t.scoped.Order("sort_order, id").Find(&items).Error
	return items, err
}

// menuCheck refuses an edit made on a menu that has changed since.
func menuCheck(tx *TenantDB, fingerprint string) ([]NavItem, error) {
	items, err := menuItems(tx)
	if err != nil {
		return nil, err
	}
	if MenuFingerprint(items) != fingerprint {
		return nil, &EditConflictError{What: menuWhat}
	}
	return items, nil
}

// menuTitle trims and validates a menu item's label.
func menuTitle(title string) (string, error) {
	title = strings.TrimSpace(title)
	switch {
	case title == "":
		return "", invalid("title", "enter the words to show in the menu")
	case utf8.RuneCountInString(title) > 40:
		return "", invalid("title", "use 40 characters or fewer: menu labels should be short")
	}
	return title, nil
}

// MenuItem returns one item of the tenant's menu.
func (t *TenantDB) MenuItem(id int64) (NavItem, error) {
	var it NavItem
	err := t.scoped.Where("id = ?", id).Take(&it).Error
	return it, translate("menu item "+strconv.FormatInt(id, 10), err)
}

// AddMenuItem appends an item linking to path (a path of this site) to the
// menu, as it was when fingerprint was taken. A full menu (MaxNavItems) and
// a path already in the menu are refused. The change is audited by by.
func (t *TenantDB) AddMenuItem(by Actor, fingerprint, title, path string) (NavItem, error) {
	title, err := menuTitle(title)
	if err != nil {
		return NavItem{}, err
	}
	if !strings.HasPrefix(path, "/") || strings.HasPrefix(path, "//") {
		return NavItem{}, invalid("path", "choose a page of this website")
	}
	it := NavItem{TenantID: t.tenantID, Title: title, Path: path}
	err = t.changeAudited(by, func(tx *TenantDB) error {
		items, err := menuCheck(tx, fingerprint)
		if err != nil {
			return err
		}
		if len(items) >= MaxNavItems {
			return invalid("title", fmt.Sprintf("the menu already has %d items, the most NHS guidance allows: remove one before adding another", MaxNavItems))
		}
		for _, x := range items {
			if x.Path == path {
				return invalid("path", "this page is already in the menu as "+strconv.Quote(x.Title))
			}
		}
		it.SortOrder = len(items)
		if len(items) > 0 && items[len(items)-1].SortOrder >= it.SortOrder {
			it.SortOrder = items[len(items)-1].SortOrder + 1
		}
		if err := tx.scoped.Create(&it).Error; err != nil {
			return err
		}
		return tx.audit(AuditMenuAdd, menuSubject(it.Title, it.Path))
	})
	return it, translate("add menu item", err)
}

// RenameMenuItem changes the label of an item, audited by by.
func (t *TenantDB) RenameMenuItem(by Actor, fingerprint string, id int64, title string) error {
	title, err := menuTitle(title)
	if err != nil {
		return err
	}
	err = t.changeAudited(by, func(tx *TenantDB) error {
		it, err := tx.MenuItem(id)
		if err != nil {
			return err
		}
		if _, err := menuCheck(tx, fingerprint); err != nil {
			return err
		}
		if err := tx.scoped.Model(&NavItem{}).Where("id = ?", id).Update("title", title).Error; err != nil {
			return err
		}
		return tx.audit(AuditMenuEdit, menuSubject(title, it.Path))
	})
	return translate("rename menu item", err)
}

// RemoveMenuItem takes an item out of the menu, audited by by.
func (t *TenantDB) RemoveMenuItem(by Actor, fingerprint string, id int64) error {
	err := t.changeAudited(by, func(tx *TenantDB) error {
		it, err := tx.MenuItem(id)
		if err != nil {
			return err
		}
		if _, err := menuCheck(tx, fingerprint); err != nil {
			return err
		}
		if err := tx.scoped.Where("id = ?", id).Delete(&NavItem{}).Error; err != nil {
			return err
		}
		return tx.audit(AuditMenuRemove, menuSubject(it.Title, it.Path))
	})
	return translate("remove menu item", err)
}

// MoveMenuItem moves an item one place up or down, audited by by. The
// fingerprint is checked in the same transaction.
func (t *TenantDB) MoveMenuItem(by Actor, fingerprint string, id int64, up bool) error {
	direction := "down"
	if up {
		direction = "up"
	}
	err := t.changeAudited(by, func(tx *TenantDB) error {
		it, err := tx.MenuItem(id)
		if err != nil {
			return err
		}
		if _, err := menuCheck(tx, fingerprint); err != nil {
			return err
		}
		if err := tx.moveRow("nav_items", id, up, ""); err != nil {
			return err
		}
		return tx.audit(AuditMenuMove, menuSubject(it.Title, direction))
	})
	return translate(fmt.Sprintf("move menu item %d", id), err)
}

// Menu lists the menu in display order with its fingerprint, for an edit.
func (t *TenantDB) Menu() ([]NavItem, string, error) {
	items, err := menuItems(t)
	if err != nil {
		return nil, "", translate("menu", err)
	}
	return items, MenuFingerprint(items), nil
}

// StartMenu fills an empty menu with items (the standard menu the public
// site shows until the tenant has its own), as it was when fingerprint was
// taken. The change is audited by by.
func (t *TenantDB) StartMenu(by Actor, fingerprint string, items []NavItem) error {
	if len(items) > MaxNavItems {
		return invalid("title", fmt.Sprintf("use %d items or fewer", MaxNavItems))
	}
	rows := make([]NavItem, 0, len(items))
	for i, it := range items {
		title, err := menuTitle(it.Title)
		if err != nil {
			return err
		}
		rows = append(rows, NavItem{TenantID: t.tenantID, Title: title, Path: it.Path, SortOrder: i})
	}
	err := t.changeAudited(by, func(tx *TenantDB) error {
		current, err := menuCheck(tx, fingerprint)
		if err != nil {
			return err
		}
		if len(current) > 0 || len(rows) == 0 {
			return &EditConflictError{What: menuWhat}
		}
		if err := tx.scoped.Create(&rows).Error; err != nil {
			return err
		}
		return tx.audit(AuditMenuStart, "")
	})
	return translate("start menu", err)
}
