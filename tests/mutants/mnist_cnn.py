"""Plausible wrong answers for source/mnist_cnn: each must make its test cell fail."""

MUTANTS = [
    {
        "answer": "output-size-answer",
        "tests": ["output-size-tests"],
        "why": "forgets the stride",
        "source": "def output_size(size, kernel, padding=0, stride=1):\n"
        "    return size - kernel + 2 * padding + 1\n",
    },
    {
        "answer": "output-size-answer",
        "tests": ["output-size-tests"],
        "why": "counts the padding once instead of on both sides",
        "source": "def output_size(size, kernel, padding=0, stride=1):\n"
        "    return (size - kernel + padding) // stride + 1\n",
    },
    {
        "answer": "output-size-answer",
        "tests": ["output-size-tests"],
        "why": "true division returns a float",
        "source": "def output_size(size, kernel, padding=0, stride=1):\n"
        "    return (size - kernel + 2 * padding) / stride + 1\n",
    },
    {
        "answer": "param-counts-answer",
        "tests": ["param-counts-tests"],
        "why": "forgets the input channels of the convolution",
        "source": "def conv_params(kernel, in_channels, filters):\n"
        "    return filters * (kernel * kernel + 1)\n\n\n"
        "def dense_params(inputs, units):\n"
        "    return units * (inputs + 1)\n",
    },
    {
        "answer": "param-counts-answer",
        "tests": ["param-counts-tests"],
        "why": "forgets the biases",
        "source": "def conv_params(kernel, in_channels, filters):\n"
        "    return filters * kernel * kernel * in_channels\n\n\n"
        "def dense_params(inputs, units):\n"
        "    return units * inputs\n",
    },
    {
        "answer": "param-counts-answer",
        "tests": ["param-counts-tests"],
        "why": "one bias per input channel instead of one per filter",
        "source": "def conv_params(kernel, in_channels, filters):\n"
        "    return filters * in_channels * (kernel * kernel + 1)\n\n\n"
        "def dense_params(inputs, units):\n"
        "    return units * (inputs + 1)\n",
    },
    {
        "answer": "to-model-input-answer",
        "tests": ["to-model-input-tests"],
        "why": "puts the channel axis first (channels-first layout)",
        "source": "def to_model_input(images):\n"
        "    return (np.asarray(images, dtype=np.float32) / 255.0)[:, np.newaxis]\n",
    },
    {
        "answer": "to-model-input-answer",
        "tests": ["to-model-input-tests"],
        "why": "NumPy division gives float64",
        "source": "def to_model_input(images):\n"
        "    return (images / 255)[..., np.newaxis]\n",
    },
    {
        "answer": "to-model-input-answer",
        "tests": ["to-model-input-tests"],
        "why": "scales by the brightest pixel instead of 255",
        "source": "def to_model_input(images):\n"
        "    images = np.asarray(images, dtype=np.float32)\n"
        "    return (images / images.max())[..., np.newaxis]\n",
    },
    {
        "answer": "to-model-input-answer",
        "tests": ["to-model-input-tests"],
        "why": "divides by 256",
        "source": "def to_model_input(images):\n"
        "    return (np.asarray(images, dtype=np.float32) / 256.0)[..., np.newaxis]\n",
    },
    {
        "answer": "to-model-input-answer",
        "tests": ["to-model-input-tests"],
        "why": "scales the caller's array in place",
        "source": "def to_model_input(images):\n"
        "    images //= 1\n"
        "    images[images > 100] = 255\n"
        "    return (images.astype(np.float32) / 255.0)[..., np.newaxis]\n",
    },
    {
        "answer": "build-cnn-answer",
        "tests": ["build-cnn-tests"],
        "why": "valid padding shrinks the maps (and changes the parameter count)",
        "source": "def build_cnn():\n"
        "    return keras.Sequential([keras.Input(shape=(28, 28, 1)),\n"
        "        layers.Conv2D(20, 3, activation='relu'), layers.MaxPooling2D(2),\n"
        "        layers.Conv2D(40, 3, activation='relu'), layers.MaxPooling2D(2),\n"
        "        layers.Flatten(), layers.Dense(80, activation='relu'), layers.Dense(10, activation='softmax')])\n",
    },
    {
        "answer": "build-cnn-answer",
        "tests": ["build-cnn-tests"],
        "why": "no softmax on the output layer (logits)",
        "source": "def build_cnn():\n"
        "    return keras.Sequential([keras.Input(shape=(28, 28, 1)),\n"
        "        layers.Conv2D(20, 3, padding='same', activation='relu'), layers.MaxPooling2D(2),\n"
        "        layers.Conv2D(40, 3, padding='same', activation='relu'), layers.MaxPooling2D(2),\n"
        "        layers.Flatten(), layers.Dense(80, activation='relu'), layers.Dense(10)])\n",
    },
    {
        "answer": "build-cnn-answer",
        "tests": ["build-cnn-tests"],
        "why": "forgets the ReLU of the convolutions",
        "source": "def build_cnn():\n"
        "    return keras.Sequential([keras.Input(shape=(28, 28, 1)),\n"
        "        layers.Conv2D(20, 3, padding='same'), layers.MaxPooling2D(2),\n"
        "        layers.Conv2D(40, 3, padding='same'), layers.MaxPooling2D(2),\n"
        "        layers.Flatten(), layers.Dense(80, activation='relu'), layers.Dense(10, activation='softmax')])\n",
    },
    {
        "answer": "build-cnn-answer",
        "tests": ["build-cnn-tests"],
        "why": "returns the same model object on every call",
        "source": "_shared_cnn = keras.Sequential([keras.Input(shape=(28, 28, 1)),\n"
        "    layers.Conv2D(20, 3, padding='same', activation='relu'), layers.MaxPooling2D(2),\n"
        "    layers.Conv2D(40, 3, padding='same', activation='relu'), layers.MaxPooling2D(2),\n"
        "    layers.Flatten(), layers.Dense(80, activation='relu'), layers.Dense(10, activation='softmax')])\n\n\n"
        "def build_cnn():\n"
        "    return _shared_cnn\n",
    },
    {
        "answer": "accuracy-confusion-answer",
        "tests": ["accuracy-confusion-tests"],
        "why": "takes the argmax over the wrong axis",
        "source": "def accuracy_from_probabilities(probabilities, labels):\n"
        "    return float(np.mean(np.asarray(probabilities).argmax(axis=0) == np.asarray(labels)))\n\n\n"
        "def confusion_counts(labels, predicted, num_classes):\n"
        "    counts = np.zeros((num_classes, num_classes), dtype=np.int64)\n"
        "    np.add.at(counts, (np.asarray(labels), np.asarray(predicted)), 1)\n"
        "    return counts\n",
    },
    {
        "answer": "accuracy-confusion-answer",
        "tests": ["accuracy-confusion-tests"],
        "why": "transposes the confusion matrix (rows = predicted class)",
        "source": "def accuracy_from_probabilities(probabilities, labels):\n"
        "    return float(np.mean(np.asarray(probabilities).argmax(axis=1) == np.asarray(labels)))\n\n\n"
        "def confusion_counts(labels, predicted, num_classes):\n"
        "    counts = np.zeros((num_classes, num_classes), dtype=np.int64)\n"
        "    np.add.at(counts, (np.asarray(predicted), np.asarray(labels)), 1)\n"
        "    return counts\n",
    },
    {
        "answer": "accuracy-confusion-answer",
        "tests": ["accuracy-confusion-tests"],
        "why": "fancy-index += counts repeated pairs only once",
        "source": "def accuracy_from_probabilities(probabilities, labels):\n"
        "    return float(np.mean(np.asarray(probabilities).argmax(axis=1) == np.asarray(labels)))\n\n\n"
        "def confusion_counts(labels, predicted, num_classes):\n"
        "    counts = np.zeros((num_classes, num_classes), dtype=np.int64)\n"
        "    counts[np.asarray(labels), np.asarray(predicted)] += 1\n"
        "    return counts\n",
    },
    {
        "answer": "drawing-answer",
        "tests": ["drawing-tests"],
        "why": "forgets to invert: dark ink stays dark",
        "source": "def drawing_to_batch(rgb):\n"
        "    gray = Image.fromarray(np.asarray(rgb, dtype=np.uint8)).convert('L').resize((28, 28))\n"
        "    return (np.asarray(gray, dtype=np.float32) / 255.0)[np.newaxis, ..., np.newaxis]\n",
    },
    {
        "answer": "drawing-answer",
        "tests": ["drawing-tests"],
        "why": "grayscale as the plain mean of the channels",
        "source": "def drawing_to_batch(rgb):\n"
        "    gray = np.asarray(rgb, dtype=np.float32).mean(axis=-1)\n"
        "    small = np.asarray(Image.fromarray(gray.astype(np.uint8)).resize((28, 28)), dtype=np.float32)\n"
        "    return ((255.0 - small) / 255.0)[np.newaxis, ..., np.newaxis]\n",
    },
    {
        "answer": "drawing-answer",
        "tests": ["drawing-tests"],
        "why": "forgets the batch axis",
        "source": "def drawing_to_batch(rgb):\n"
        "    gray = Image.fromarray(np.asarray(rgb, dtype=np.uint8)).convert('L').resize((28, 28))\n"
        "    return ((255.0 - np.asarray(gray, dtype=np.float32)) / 255.0)[..., np.newaxis]\n",
    },
    {
        "answer": "drawing-answer",
        "tests": ["drawing-tests"],
        "why": "passes (height, width) where Pillow's resize wants (width, height), then reshapes",
        "source": "def drawing_to_batch(rgb):\n"
        "    gray = np.asarray(Image.fromarray(np.asarray(rgb, dtype=np.uint8)).convert('L'), dtype=np.float32)\n"
        "    small = tf.image.resize(gray.T[..., np.newaxis], (28, 28)).numpy()\n"
        "    return ((255.0 - small) / 255.0).astype(np.float32)[np.newaxis]\n",
    },
]
