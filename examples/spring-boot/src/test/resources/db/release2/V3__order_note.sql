-- the next release's migration: it must run on the restored database, and be replicated
ALTER TABLE orders ADD COLUMN note TEXT NOT NULL DEFAULT '';
