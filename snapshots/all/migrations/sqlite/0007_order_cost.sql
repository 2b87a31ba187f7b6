-- What each unit cost the shop when it was sold, so a margin stays true after
-- a cost price changes. Lines sold before this column existed keep NULL, and
-- reports fall back to the variant's cost price for them.
ALTER TABLE order_lines ADD COLUMN unit_cost BIGINT;
