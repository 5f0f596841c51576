-- A reviewer counts once per practice and round. Two reviews sent at once
-- could both be recorded (and both count as approvals); the unique index
-- makes the second insert fail. Duplicates already stored are removed
-- first, keeping each reviewer's earliest review of the round (ids are
-- UUIDv7, so the smallest is the earliest). Reviews of deleted accounts
-- (reviewer_id NULL) are never equal to each other and all stay.
DELETE FROM practice_reviews
WHERE reviewer_id IS NOT NULL
  AND EXISTS (
    SELECT 1 FROM practice_reviews earlier
    WHERE earlier.practice_id = practice_reviews.practice_id
      AND earlier.round = practice_reviews.round
      AND earlier.reviewer_id = practice_reviews.reviewer_id
      AND earlier.id < practice_reviews.id
  );
CREATE UNIQUE INDEX practice_reviews_one_per_reviewer
    ON practice_reviews (practice_id, round, reviewer_id);
