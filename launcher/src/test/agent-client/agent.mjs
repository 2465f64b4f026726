// The OpenAI Agents SDK as its users run it: configured only by the environment the openai
// client reads (OPENAI_BASE_URL, OPENAI_API_KEY), with the SDK's default model API (Responses).
// AgentClientsEndToEndIT points it at the gateway and checks what it prints: one JSON line.
import { Agent, run, tool } from '@openai/agents';
import { z } from 'zod';

const calls = [];
const getWeather = tool({
  name: 'get_weather',
  description: 'The current weather in a city.',
  parameters: z.object({ city: z.string() }),
  execute: async ({ city }) => {
    calls.push(city);
    return `It is 21 degrees and sunny in ${city}.`;
  },
});

const agent = new Agent({
  name: 'Weather agent',
  instructions: 'Answer weather questions with the get_weather tool.',
  model: process.env.AGENT_MODEL,
  tools: [getWeather],
});

const stream = process.env.AGENT_STREAM === 'true';
const question = process.argv[2] ?? 'What is the weather in Paris?';
let result;
if (stream) {
  result = await run(agent, question, { stream: true });
  await result.completed;
} else {
  result = await run(agent, question);
}
const usage = result.state.usage;
console.log(
  JSON.stringify({
    finalOutput: result.finalOutput,
    toolCalls: calls,
    items: result.newItems.map((item) => item.type),
    requests: usage.requests,
    inputTokens: usage.inputTokens,
    outputTokens: usage.outputTokens,
  }),
);
