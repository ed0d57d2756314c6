-- Builds before this one could leave gaps in a session's positions when a revert, unrevert or fork raced another
-- write to the session (it read the links as they were before the lock it waited for). Later reverts count
-- positions, so they would cut at the wrong place. Numbers each session's links, and each reverted tail, 1, 2,
-- 3, … again in the order they had; rows already in place are not touched.
-- The numbers go through positions far above any real one first: the key is checked row by row.
UPDATE session_messages l SET position = r.renumbered + 1099511627776
FROM (SELECT session_id, position, row_number() OVER (PARTITION BY session_id ORDER BY position) AS renumbered
      FROM session_messages) r
WHERE l.session_id = r.session_id AND l.position = r.position AND l.position <> r.renumbered;
UPDATE session_messages SET position = position - 1099511627776 WHERE position > 1099511627776;

UPDATE reverted_links l SET position = r.renumbered + 1099511627776
FROM (SELECT session_id, position, row_number() OVER (PARTITION BY session_id ORDER BY position) AS renumbered
      FROM reverted_links) r
WHERE l.session_id = r.session_id AND l.position = r.position AND l.position <> r.renumbered;
UPDATE reverted_links SET position = position - 1099511627776 WHERE position > 1099511627776;
