-- A figure stated per year ("mỗi năm 10 suất giai đoạn 2021–2025"): 1, otherwise 0.
ALTER TABLE figures ADD COLUMN per_year SMALLINT NOT NULL DEFAULT 0;
