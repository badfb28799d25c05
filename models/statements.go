package models

import "sync"

// StatementCounter records the SQL statements a DB runs while it is
// installed (DB.CountStatements): tests bound with it how many queries a
// page takes, so that a query per item in a loop (N+1) shows as a count
// that grows with the items.
type StatementCounter struct {
	mu   sync.Mutex
	sqls []string
}

// Count is how many statements ran since the counter was installed or
// last Reset.
func (c *StatementCounter) Count() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.sqls)
}

// Statements are the statements counted, in the order they ran, with
// their arguments inlined as GORM logs them.
func (c *StatementCounter) Statements() []string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]string(nil), c.sqls...)
}

// Reset forgets the statements counted so far.
func (c *StatementCounter) Reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sqls = nil
}

func (c *StatementCounter) add(sql string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sqls = append(c.sqls, sql)
}

// CountStatements reports every statement d runs from now on to c, or to
// no counter when c is nil. Every read and write of the models goes
// through GORM, whose statements all pass the logger's Trace; BEGIN and
// COMMIT are not counted.
func (d *DB) CountStatements(c *StatementCounter) {
	d.counter().set(c)
}

func (d *DB) counter() *gormLogger {
	l, _ := d.gorm.Logger.(*gormLogger)
	if l == nil {
		panic("models: the DB was not opened by Open")
	}
	return l
}

func (l *gormLogger) set(c *StatementCounter) { l.counter.Store(c) }

// count reports a statement to the counter installed, if any: without one
// (the usual case) it costs one atomic load.
func (l *gormLogger) count(fc func() (string, int64)) {
	if c := l.counter.Load(); c != nil {
		sql, _ := fc()
		c.add(sql)
	}
}
