/**
 * The harness's own instrument in its own database: a trigger on `tasks` that records every
 * change of status, attempt, stage and checkpoint, and which process made it (each process
 * connects with PGAPPNAME set to its name). Recovery times and "stages run twice" come from it;
 * the app's code is not changed.
 */

/** Every write to `tasks`, by which process (application_name) and when (the harness's own DB). */
export const INSTRUMENTATION = `
CREATE TABLE chaos_task_events (
  id bigserial PRIMARY KEY,
  at timestamptz NOT NULL DEFAULT clock_timestamp(),
  task_id uuid NOT NULL,
  app text,
  op char(1) NOT NULL,
  old_status text, status text,
  old_attempts int, attempts int,
  stage text,
  next_attempt_at timestamptz,
  ckpt jsonb
);
CREATE INDEX chaos_task_events_task ON chaos_task_events (task_id, at);
CREATE INDEX chaos_task_events_at ON chaos_task_events (at);
CREATE FUNCTION chaos_log_task() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE changed jsonb;
BEGIN
  IF TG_OP = 'INSERT' THEN
    INSERT INTO chaos_task_events (task_id, app, op, status, attempts, stage, next_attempt_at)
    VALUES (NEW.id, current_setting('application_name', true), 'I', NEW.status, NEW.attempts,
            NEW.stage, NEW.next_attempt_at);
    RETURN NEW;
  END IF;
  IF NEW.status IS NOT DISTINCT FROM OLD.status AND NEW.attempts IS NOT DISTINCT FROM OLD.attempts
     AND NEW.stage IS NOT DISTINCT FROM OLD.stage AND NEW.checkpoints IS NOT DISTINCT FROM OLD.checkpoints
     AND NEW.next_attempt_at IS NOT DISTINCT FROM OLD.next_attempt_at THEN
    RETURN NEW;  -- e.g. a lease renewal
  END IF;
  SELECT jsonb_object_agg(e.key, e.value) INTO changed
    FROM jsonb_each(COALESCE(NEW.checkpoints, '{}'::jsonb)) e
   WHERE (OLD.checkpoints -> e.key) IS DISTINCT FROM e.value;
  INSERT INTO chaos_task_events (task_id, app, op, old_status, status, old_attempts, attempts,
                                 stage, next_attempt_at, ckpt)
  VALUES (NEW.id, current_setting('application_name', true), 'U', OLD.status, NEW.status,
          OLD.attempts, NEW.attempts, NEW.stage, NEW.next_attempt_at, changed);
  RETURN NEW;
END $$;
CREATE TRIGGER chaos_task_events AFTER INSERT OR UPDATE ON tasks
  FOR EACH ROW EXECUTE FUNCTION chaos_log_task();
`;
