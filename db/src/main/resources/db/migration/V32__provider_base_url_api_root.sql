-- Base URLs of OpenAI-speaking providers take the OpenAI SDK's form: the path is the API root
-- (http://host:11434/v1), and the gateway appends only /chat/completions, /embeddings, ... .
-- Before, `openai` appended /v1 itself and `openai_compatible` appended settings.base_path
-- (default /v1); fold that into the stored base URL so every existing provider keeps calling the
-- same upstream path, and drop the setting.
update providers
   set base_url = rtrim(base_url, '/') || coalesce(nullif(settings ->> 'base_path', ''), '/v1'),
       settings = settings - 'base_path',
       version = version + 1,
       updated_at = now()
 where schema in ('openai', 'openai_compatible');

update config_revision set revision = revision + 1, changed_at = now() where id = 1;
