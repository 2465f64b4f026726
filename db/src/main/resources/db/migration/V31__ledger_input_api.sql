-- Which client API each request used (chat, completions, embeddings, responses, messages, ...):
-- the same provider serves several, and operators need to see which clients use which.
-- Null for rows written before it was recorded.
alter table usage_ledger add column input_api text;
