import { parseArgs } from 'node:util';
import { EngineError } from '@qlora-studio/engine';
import { resolveConfig } from '../config.js';
import { serve, UserError } from './serve.js';
import { systemCheckCommand } from './system-check-command.js';
import { makeTinyModelCommand } from './make-tiny-model-command.js';
import { evalCommand } from './eval-command.js';
import { generateCommand, scoreCommand } from './model-commands.js';
import { tokenCommand } from './token-command.js';
import { trainCommand } from './train-command.js';

const usage = `qlora — QLoRA Studio from the command line

Usage:
  qlora serve [--port 7860] [--host 127.0.0.1] [--home DIR] [--web-root DIR] [--log-level info]
      Start the app (API + web app). Environment: QLORA_STUDIO_PORT, QLORA_STUDIO_HOST,
      QLORA_STUDIO_HOME (default ~/.qlora-studio).
  qlora token create --role member|practitioner [--name NAME] [--home DIR]
      Issue an access token (shown once). Team members get read access and inference.
  qlora token list [--home DIR]
  qlora token revoke ID [--home DIR]
  qlora system-check [--seconds 2] [--size 1024] [--json]
      Versions, cores, memory, disk and an ONNX Runtime MatMul benchmark (GFLOP/s).
  qlora generate --model DIR|HUB_ID [--adapter DIR ...] (--prompt TEXT | --chat FILE.json)
      [--max-new-tokens N] [--temperature T] [--top-p P] [--top-k K] [--repetition-penalty R]
      [--seed S] [--stop TEXT ...] [--quant nf4|none] [--kernels exact|fast] [--threads N] [--prompt-template NAME] [--json]
      Print the continuation as it is generated (temperature 0 = greedy; defaults come from the
      model's generation_config.json). --json prints {text, tokenIds, finishReason, timings}.
  qlora score --model DIR|HUB_ID [--adapter DIR] --data FILE [--separator TEXT] [--quant nf4|none]
      [--kernels exact|fast] [--prompt-template NAME] [--json]
      Loss and perplexity of any dataset file the app reads. Raw text scores every token after
      the first of each text; chats score the assistant replies, as fine-tuning trains them.
      A .txt holds documents separated by blank lines, or by <|endoftext|> when it contains one
      (--separator names another).
  qlora eval --model DIR|HUB_ID [--adapter DIR] --data FILE --task multiple-choice|generate|loss
      [--question-field question] [--choices-field choices | --choices-field A,B,C,D] [--answer-field answer]
      [--template TEXT] [--continuation TEXT] [--answer-regex RE|last-number] [--max-new-tokens 64]
      [--stop TEXT ...] [--temperature T [--top-p P] [--seed N]] [--limit N] [--quant nf4|none]
      [--kernels exact|fast] [--json]
      A model on a benchmark file (any type the app reads). multiple-choice scores each choice by
      its log-likelihood after the prompt (accuracy, accuracy_norm); generate compares the answer
      extracted from a greedy (or, with --temperature, seeded sampled) generation with the reference (exact_match, f1, rouge_l as 0–1; bleu,
      chrf as sacreBLEU computes them, 0–100); loss is
      the reference answers' loss and perplexity. The template (default "Question: {question}\nAnswer:")
      fills {field} from each record; the continuation (" {choice}" or " {answer}") follows it.
      --kernels exact runs the bitsandbytes NF4 math (MatMulBnb4); fast (default) int8 kernels.
      --json prints {"metrics", "items": [{"index", "target", "prediction", "correct", "choices" | "output"}]}.
  qlora train --model DIR --data FILE --output DIR [--config FILE.yaml] [--eval-data FILE] [--separator TEXT]
      [--method qlora|lora] [--lora-r 16] [--lora-alpha 32] [--lora-dropout 0.05]
      [--target-modules all-linear|q_proj,v_proj]
      [--use-rslora] [--epochs 1 | --max-steps N] [--learning-rate 2e-4] [--optimizer adamw|sgd]
      [--scheduler linear|cosine|constant] [--warmup-steps N] [--weight-decay W] [--max-grad-norm 1]
      [--batch-size 1] [--grad-accum 1] [--seq-len 512] [--seed 42] [--eval-every N]
      [--checkpoint-every N] [--early-stopping-patience N] [--train-on completions|all] [--packing]
      [--prompt-template alpaca|question-answer|chatml|llama2|llama3|mistral|custom [--custom-template TEXT]]
      [--threads N] [--init-adapter DIR] [--resume-from CHECKPOINT_DIR] [--json]
      Fine-tune a LoRA adapter (QLoRA: frozen NF4 base) and write it as a PEFT folder. Data: JSONL,
      JSON, CSV, TSV, Parquet or text, in any layout the app reads (text, OpenAI messages,
      ShareGPT, Alpaca, prompt/completion). --config
      takes the same settings as YAML or JSON keys. --packing joins short examples into shared
      rows (no attention across them). A .txt holds documents separated by blank lines, or by
      <|endoftext|> when it contains one (--separator names another). Chats, instructions and
      question/answer pairs are written out by the model's chat template, or by --prompt-template
      (needed for a base model without one; custom takes --custom-template with {system},
      {prompt} and {response}); the adapter keeps it (chat_template.jinja), and generate and
      score with --adapter prompt it the same way.
  qlora make-tiny-model --arch llama|mistral|qwen2|qwen3|gemma|gemma2|gemma3_text --out DIR [--hidden-size 64] [--layers 2] [--heads 4]
      [--kv-heads 2] [--intermediate-size 128] [--vocab-size 512] [--seed 0] [--dtype F32|F16|BF16]
      [--shards 1] [--tie-word-embeddings] [--no-chat-template]
      A deterministic random Hugging Face model folder (real BPE tokenizer, chat template), for
      tests and demos without internet. --no-chat-template makes a base model, as most
      pretrained checkpoints are (chats then need --prompt-template).
  qlora bench [--seconds 3] [--size 1024] [--json]
      The system check with a longer ONNX Runtime fp32 MatMul timing (GFLOP/s, 1 thread and
      all cores). The inference and training benchmarks are scripts: npm run bench runs them
      all (packages/engine/bench/README.md).
  qlora help
`;

/** Run the CLI; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'serve': {
        const { values } = parseArgs({
          args: rest,
          options: {
            port: { type: 'string' },
            host: { type: 'string' },
            home: { type: 'string' },
            'web-root': { type: 'string' },
            'log-level': { type: 'string' },
          },
        });
        const { 'web-root': webRoot, 'log-level': logLevel, ...others } = values;
        await serve(resolveConfig({ ...others, ...(webRoot ? { webRoot } : {}), ...(logLevel ? { logLevel } : {}) }));
        return 0;
      }
      case 'token':
        tokenCommand(rest);
        return 0;
      case 'system-check':
        await systemCheckCommand(rest, { seconds: '2', size: '1024' });
        return 0;
      case 'generate':
        await generateCommand(rest);
        return 0;
      case 'score':
        await scoreCommand(rest);
        return 0;
      case 'eval':
        await evalCommand(rest);
        return 0;
      case 'train':
        await trainCommand(rest);
        return 0;
      case 'make-tiny-model':
        makeTinyModelCommand(rest);
        return 0;
      case 'bench':
        if (!rest.includes('--json')) console.log('MatMul benchmark: ONNX Runtime fp32 (compare ratios within one run; the machine is noisy)');
        await systemCheckCommand(['--seconds', '3', '--size', '1024', ...rest], { seconds: '3', size: '1024' });
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        console.log(usage);
        return 0;
      default:
        console.error(`Unknown command "${command}".\n\n${usage}`);
        return 2;
    }
  } catch (error) {
    if (error instanceof EngineError) {
      console.error(`qlora: ${error.message}\n  ${error.hint}`);
      return 1;
    }
    if (error instanceof UserError || (error as { code?: string }).code?.startsWith('ERR_PARSE_ARGS')) {
      console.error(`qlora: ${(error as Error).message}`);
      return 2;
    }
    throw error;
  }
}
