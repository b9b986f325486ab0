/**
 * A small built-in English corpus (written for this project) that generated test tokenizers
 * learn their merges from: everyday words, chat turns, numbers, punctuation and code, so that
 * common text encodes to fewer tokens than bytes.
 */
export const TINY_CORPUS = `Once upon a time, there was a little dog named Max. Max liked to run in the park with his friend Lily.
Every morning the sun came up over the hills, and the birds began to sing. The children went to school, and their parents went to work.
One day, Lily found a small red ball under a tree. She said, "Look, Max! Do you want to play?" Max wagged his tail and barked.
They played all afternoon until the sky turned orange. Then they walked home, tired and happy.

User: Hello! How are you today?
Assistant: I am fine, thank you. How can I help you?
User: Can you tell me what the weather will be like tomorrow?
Assistant: I cannot see the weather from here, but you can check a forecast. Is there anything else I can do for you?
User: Please write a short poem about the sea.
Assistant: The sea is wide, the sea is deep, it sings the sailors off to sleep. The waves come in, the waves go out, and that is what the sea is about.
User: What is the capital of France?
Assistant: The capital of France is Paris.
User: Explain what a neural network is in one sentence.
Assistant: A neural network is a model that learns to map inputs to outputs by adjusting many small weights from examples.

The quick brown fox jumps over the lazy dog. A journey of a thousand miles begins with a single step.
There are 7 days in a week, 12 months in a year, 24 hours in a day and 60 minutes in an hour.
In 2024, the team trained 3 models with 135 million parameters each, at a learning rate of 0.0002 for 1,000 steps.
Questions? Answers! Lists: apples, oranges, pears; tea and coffee. (Brackets) [square] {curly} <angle> - dash -- double.
We're here, they're there, it's done, you'll see, I'd go, she's happy, we've won, I'm sure, don't stop, can't wait.

def add(a, b):
    return a + b

for i in range(10):
    print(i * 2)

const total = items.reduce((sum, item) => sum + item.price, 0);
if (total > 100) { console.log("free shipping"); }

Fine-tuning a language model on your own data teaches it the style and the facts you care about.
Training only a small adapter keeps the original weights frozen, which saves memory and time.
The loss should go down during training; if the validation loss starts to rise, the model may be overfitting.
Good data matters more than many steps: clean examples, clear instructions, and honest answers.
Thank you for reading. Have a nice day, and see you soon!
`;
