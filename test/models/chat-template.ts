// DeepSeek-R1-Distill-Qwen's chat templates, verbatim (as stored in `tokenizer_config.json` and
// copied into `tokenizer.chat_template` by llama.cpp's converter). Inside the Jinja string literals
// `\n` is an escape the template engine resolves, so the TypeScript source holds a backslash + n.
//
// Two versions shipped: the original release ended the generation prompt with `<｜Assistant｜>`;
// the update of February 2025 appends `<think>\n` so the model starts inside its thought and only
// emits `</think>`. Models downloaded today carry the updated one.

const start =
    "{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}" +
    "{% set ns = namespace(is_first=false, is_tool=false, is_output_first=true, system_prompt='') %}" +
    "{%- for message in messages %}{%- if message['role'] == 'system' %}{% set ns.system_prompt = message['content'] %}{%- endif %}{%- endfor %}" +
    "{{bos_token}}{{ns.system_prompt}}" +
    "{%- for message in messages %}" +
    "{%- if message['role'] == 'user' %}{%- set ns.is_tool = false -%}{{'<｜User｜>' + message['content']}}{%- endif %}" +
    "{%- if message['role'] == 'assistant' and message['content'] is none %}{%- set ns.is_tool = false -%}" +
    "{%- for tool in message['tool_calls']%}" +
    "{%- if not ns.is_first %}{{'<｜Assistant｜><｜tool▁calls▁begin｜><｜tool▁call▁begin｜>' + tool['type'] + '<｜tool▁sep｜>' + tool['function']['name'] + '\\n' + '```json' + '\\n' + tool['function']['arguments'] + '\\n' + '```' + '<｜tool▁call▁end｜>'}}{%- set ns.is_first = true -%}" +
    "{%- else %}{{'\\n' + '<｜tool▁call▁begin｜>' + tool['type'] + '<｜tool▁sep｜>' + tool['function']['name'] + '\\n' + '```json' + '\\n' + tool['function']['arguments'] + '\\n' + '```' + '<｜tool▁call▁end｜>'}}{{'<｜tool▁calls▁end｜><｜end▁of▁sentence｜>'}}" +
    "{%- endif %}{%- endfor %}{%- endif %}" +
    "{%- if message['role'] == 'assistant' and message['content'] is not none %}" +
    "{%- if ns.is_tool %}{{'<｜tool▁outputs▁end｜>' + message['content'] + '<｜end▁of▁sentence｜>'}}{%- set ns.is_tool = false -%}" +
    "{%- else %}{% set content = message['content'] %}{% if '</think>' in content %}{% set content = content.split('</think>')[-1] %}{% endif %}{{'<｜Assistant｜>' + content + '<｜end▁of▁sentence｜>'}}{%- endif %}" +
    "{%- endif %}" +
    "{%- if message['role'] == 'tool' %}{%- set ns.is_tool = true -%}" +
    "{%- if ns.is_output_first %}{{'<｜tool▁outputs▁begin｜><｜tool▁output▁begin｜>' + message['content'] + '<｜tool▁output▁end｜>'}}{%- set ns.is_output_first = false %}" +
    "{%- else %}{{'\\n<｜tool▁output▁begin｜>' + message['content'] + '<｜tool▁output▁end｜>'}}{%- endif %}" +
    "{%- endif %}" +
    "{%- endfor -%}" +
    "{% if ns.is_tool %}{{'<｜tool▁outputs▁end｜>'}}{% endif %}";

/** The current template: the generation prompt is `<｜Assistant｜><think>\n`. */
export const R1_DISTILL_QWEN_CHAT_TEMPLATE =
    start + "{% if add_generation_prompt and not ns.is_tool %}{{'<｜Assistant｜><think>\\n'}}{% endif %}";

/** The original (January 2025) template: the generation prompt is just `<｜Assistant｜>`. */
export const R1_DISTILL_QWEN_CHAT_TEMPLATE_ORIGINAL =
    start + "{% if add_generation_prompt and not ns.is_tool %}{{'<｜Assistant｜>'}}{% endif %}";

// Qwen2.5-Coder-Instruct's chat template (ChatML with Qwen2.5's tool calling), verbatim from its
// `tokenizer_config.json` (the same as Qwen2.5-Instruct's). It has no `<think>`: the model does not
// reason before answering. Here the template's real line breaks are "\n" in the TypeScript source,
// and the Jinja escapes inside its string literals are "\\n".
export const QWEN25_CODER_CHAT_TEMPLATE = [
    "{%- if tools %}",
    "    {{- '<|im_start|>system\\n' }}",
    "    {%- if messages[0]['role'] == 'system' %}",
    "        {{- messages[0]['content'] }}",
    "    {%- else %}",
    "        {{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}",
    "    {%- endif %}",
    "    {{- \"\\n\\n# Tools\\n\\nYou may call one or more functions to assist with the user query.\\n\\nYou are provided with function signatures within <tools></tools> XML tags:\\n<tools>\" }}",
    "    {%- for tool in tools %}",
    "        {{- \"\\n\" }}",
    "        {{- tool | tojson }}",
    "    {%- endfor %}",
    "    {{- \"\\n</tools>\\n\\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\\n<tool_call>\\n{\\\"name\\\": <function-name>, \\\"arguments\\\": <args-json-object>}\\n</tool_call><|im_end|>\\n\" }}",
    "{%- else %}",
    "    {%- if messages[0]['role'] == 'system' %}",
    "        {{- '<|im_start|>system\\n' + messages[0]['content'] + '<|im_end|>\\n' }}",
    "    {%- else %}",
    "        {{- '<|im_start|>system\\nYou are Qwen, created by Alibaba Cloud. You are a helpful assistant.<|im_end|>\\n' }}",
    "    {%- endif %}",
    "{%- endif %}",
    "{%- for message in messages %}",
    "    {%- if (message.role == \"user\") or (message.role == \"system\" and not loop.first) or (message.role == \"assistant\" and not message.tool_calls) %}",
    "        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>' + '\\n' }}",
    "    {%- elif message.role == \"assistant\" %}",
    "        {{- '<|im_start|>' + message.role }}",
    "        {%- if message.content %}",
    "            {{- '\\n' + message.content }}",
    "        {%- endif %}",
    "        {%- for tool_call in message.tool_calls %}",
    "            {%- if tool_call.function is defined %}",
    "                {%- set tool_call = tool_call.function %}",
    "            {%- endif %}",
    "            {{- '\\n<tool_call>\\n{\"name\": \"' }}",
    "            {{- tool_call.name }}",
    "            {{- '\", \"arguments\": ' }}",
    "            {{- tool_call.arguments | tojson }}",
    "            {{- '}\\n</tool_call>' }}",
    "        {%- endfor %}",
    "        {{- '<|im_end|>\\n' }}",
    "    {%- elif message.role == \"tool\" %}",
    "        {%- if (loop.index0 == 0) or (messages[loop.index0 - 1].role != \"tool\") %}",
    "            {{- '<|im_start|>user' }}",
    "        {%- endif %}",
    "        {{- '\\n<tool_response>\\n' }}",
    "        {{- message.content }}",
    "        {{- '\\n</tool_response>' }}",
    "        {%- if loop.last or (messages[loop.index0 + 1].role != \"tool\") %}",
    "            {{- '<|im_end|>\\n' }}",
    "        {%- endif %}",
    "    {%- endif %}",
    "{%- endfor %}",
    "{%- if add_generation_prompt %}",
    "    {{- '<|im_start|>assistant\\n' }}",
    "{%- endif %}",
    ""
].join("\n");
