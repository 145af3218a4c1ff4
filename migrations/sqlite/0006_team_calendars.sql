-- Team calendars: the company and each department get a group principal (login `@company`,
-- `@dept-{slug}`; '@' never appears in a user's login) that owns their shared calendars, as
-- workgroups (ordinary group principals) own theirs. `team` says which kind of team a group
-- principal stands for; department members are those of `team_department_id`.
ALTER TABLE principals ADD COLUMN team TEXT CHECK (team IN ('company', 'department'));
ALTER TABLE principals ADD COLUMN team_department_id BIGINT REFERENCES departments(id) ON DELETE CASCADE;
CREATE UNIQUE INDEX principals_team_department ON principals(team_department_id);
