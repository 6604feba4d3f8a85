// kafkajs is CommonJS and spreads its errors into module.exports, which Node's ESM named-export detection misses.
import kafkajs from 'kafkajs';

export const { Kafka, Partitioners, logLevel, KafkaJSProtocolError, ConfigResourceTypes } = kafkajs;
