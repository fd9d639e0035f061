"""Plausible wrong answers for source/cifar10_cnn that the test cells must reject."""

MUTANTS = [
    {
        "answer": "transform-answer",
        "tests": ["transform-tests"],
        "why": "scales to [0, 1] instead of [-1, 1]",
        "source": "def to_signed_one_hot(image, label, num_classes):\n"
        "    return tf.cast(image, tf.float32) / 255.0, tf.one_hot(label, num_classes)\n",
    },
    {
        "answer": "transform-answer",
        "tests": ["transform-tests"],
        "why": "hard-codes ten classes instead of num_classes",
        "source": "def to_signed_one_hot(image, label, num_classes):\n"
        "    return tf.cast(image, tf.float32) / 127.5 - 1.0, tf.one_hot(label, 10)\n",
    },
    {
        "answer": "transform-answer",
        "tests": ["transform-tests"],
        "why": "divides by 128 (off by one in the scale), so 255 does not reach 1",
        "source": "def to_signed_one_hot(image, label, num_classes):\n"
        "    return tf.cast(image, tf.float32) / 128.0 - 1.0, tf.one_hot(label, num_classes)\n",
    },
    {
        "answer": "split-answer",
        "tests": ["split-tests"],
        "why": "takes the validation part from the start instead of the end",
        "source": "def split_train_validation(dataset, validation_fraction):\n"
        "    total = int(dataset.cardinality())\n"
        "    n = int(round(validation_fraction * total))\n"
        "    return dataset.skip(n), dataset.take(n)\n",
    },
    {
        "answer": "split-answer",
        "tests": ["split-tests"],
        "why": "overlapping parts: skips one element too few",
        "source": "def split_train_validation(dataset, validation_fraction):\n"
        "    total = int(dataset.cardinality())\n"
        "    n = total - int(round(validation_fraction * total))\n"
        "    return dataset.take(n), dataset.skip(n - 1)\n",
    },
    {
        "answer": "split-answer",
        "tests": ["split-tests"],
        "why": "floors the train size instead of rounding the validation size: 7 x 0.7 floors to 4, leaving 3 for validation instead of 2",
        "source": "import math\n"
        "def split_train_validation(dataset, validation_fraction):\n"
        "    total = int(dataset.cardinality())\n"
        "    n = math.floor((1 - validation_fraction) * total)\n"
        "    return dataset.take(n), dataset.skip(n)\n",
    },
    {
        "answer": "pipeline-answer",
        "tests": ["pipeline-tests"],
        "why": "shuffles after batching, so only whole batches are reordered",
        "source": "def make_pipeline(dataset, batch_size, training, buffer_size=1000, seed=0):\n"
        "    dataset = dataset.cache().batch(batch_size)\n"
        "    if training:\n"
        "        dataset = dataset.shuffle(buffer_size, seed=seed)\n"
        "    return dataset.prefetch(tf.data.AUTOTUNE)\n",
    },
    {
        "answer": "pipeline-answer",
        "tests": ["pipeline-tests"],
        "why": "shuffles the evaluation data too",
        "source": "def make_pipeline(dataset, batch_size, training, buffer_size=1000, seed=0):\n"
        "    dataset = dataset.cache().shuffle(buffer_size, seed=seed)\n"
        "    return dataset.batch(batch_size).prefetch(tf.data.AUTOTUNE)\n",
    },
    {
        "answer": "pipeline-answer",
        "tests": ["pipeline-tests"],
        "why": "drops the last, smaller batch",
        "source": "def make_pipeline(dataset, batch_size, training, buffer_size=1000, seed=0):\n"
        "    dataset = dataset.cache()\n"
        "    if training:\n"
        "        dataset = dataset.shuffle(buffer_size, seed=seed)\n"
        "    return dataset.batch(batch_size, drop_remainder=True).prefetch(tf.data.AUTOTUNE)\n",
    },
    {
        "answer": "pipeline-answer",
        "tests": ["pipeline-tests"],
        "why": "caches after shuffling, which freezes one shuffled order for every epoch",
        "source": "def make_pipeline(dataset, batch_size, training, buffer_size=1000, seed=0):\n"
        "    if training:\n"
        "        dataset = dataset.shuffle(buffer_size, seed=seed)\n"
        "    return dataset.cache().batch(batch_size).prefetch(tf.data.AUTOTUNE)\n",
    },
    {
        "answer": "build-cnn-answer",
        "tests": ["build-cnn-tests"],
        "why": "valid padding instead of same",
        "source": "def build_cnn(input_shape, filters, dense_units, num_classes):\n"
        "    model = [keras.Input(shape=input_shape)]\n"
        "    for count in filters:\n"
        "        model += [layers.Conv2D(count, 3, activation='relu'), layers.MaxPooling2D(2)]\n"
        "    model += [layers.Flatten(), layers.Dense(dense_units, activation='relu'), layers.Dropout(0.5),\n"
        "              layers.Dense(num_classes, activation='softmax')]\n"
        "    return keras.Sequential(model)\n",
    },
    {
        "answer": "build-cnn-answer",
        "tests": ["build-cnn-tests"],
        "why": "forgets the relu on the hidden dense layer (same parameter count)",
        "source": "def build_cnn(input_shape, filters, dense_units, num_classes):\n"
        "    model = [keras.Input(shape=input_shape)]\n"
        "    for count in filters:\n"
        "        model += [layers.Conv2D(count, 3, padding='same', activation='relu'), layers.MaxPooling2D(2)]\n"
        "    model += [layers.Flatten(), layers.Dense(dense_units), layers.Dropout(0.5),\n"
        "              layers.Dense(num_classes, activation='softmax')]\n"
        "    return keras.Sequential(model)\n",
    },
    {
        "answer": "build-cnn-answer",
        "tests": ["build-cnn-tests"],
        "why": "puts the dropout before the dense layer instead of after it",
        "source": "def build_cnn(input_shape, filters, dense_units, num_classes):\n"
        "    model = [keras.Input(shape=input_shape)]\n"
        "    for count in filters:\n"
        "        model += [layers.Conv2D(count, 3, padding='same', activation='relu'), layers.MaxPooling2D(2)]\n"
        "    model += [layers.Flatten(), layers.Dropout(0.5), layers.Dense(dense_units, activation='relu'),\n"
        "              layers.Dense(num_classes, activation='softmax')]\n"
        "    return keras.Sequential(model)\n",
    },
    {
        "answer": "keep-classes-answer",
        "tests": ["keep-classes-tests"],
        "why": "relabels by sorted class index instead of position in the list",
        "source": "def keep_classes(dataset, classes):\n"
        "    ordered = tf.constant(sorted(classes), dtype=tf.int64)\n"
        "    dataset = dataset.filter(lambda i, l: tf.reduce_any(tf.equal(tf.cast(l, tf.int64), ordered)))\n"
        "    return dataset.map(lambda i, l: (i, tf.argmax(tf.cast(tf.equal(tf.cast(l, tf.int64), ordered), tf.int64))))\n",
    },
    {
        "answer": "keep-classes-answer",
        "tests": ["keep-classes-tests"],
        "why": "binary relabelling (label == classes[1]) that only works for two classes",
        "source": "def keep_classes(dataset, classes):\n"
        "    wanted = tf.constant(classes, dtype=tf.int64)\n"
        "    dataset = dataset.filter(lambda i, l: tf.reduce_any(tf.equal(tf.cast(l, tf.int64), wanted)))\n"
        "    return dataset.map(lambda i, l: (i, tf.cast(tf.cast(l, tf.int64) == classes[1], tf.int64)))\n",
    },
    {
        "answer": "per-class-answer",
        "tests": ["per-class-tests"],
        "why": "divides by how often a class was predicted (precision, the wrong axis)",
        "source": "def per_class_accuracy(actual, predicted, num_classes):\n"
        "    actual, predicted = np.asarray(actual), np.asarray(predicted)\n"
        "    result = np.full(num_classes, np.nan)\n"
        "    for label in range(num_classes):\n"
        "        mask = predicted == label\n"
        "        if mask.any():\n"
        "            result[label] = np.mean(actual[mask] == label)\n"
        "    return result\n",
    },
    {
        "answer": "per-class-answer",
        "tests": ["per-class-tests"],
        "why": "gives 0 instead of nan to a class with no examples",
        "source": "def per_class_accuracy(actual, predicted, num_classes):\n"
        "    actual, predicted = np.asarray(actual), np.asarray(predicted)\n"
        "    correct = np.bincount(actual[actual == predicted], minlength=num_classes)\n"
        "    totals = np.bincount(actual, minlength=num_classes)\n"
        "    return correct / np.maximum(totals, 1)\n",
    },
]
