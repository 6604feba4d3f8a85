// The stack's one settings schema: ports, heaps, versions, paths and time bounds, all overridable by env.
import { defineConfig, int, str, type ConfigOf } from '@spamtrap/config';

/** JVM heap sizes as the JVM writes them (-Xmx512m): digits plus k, m or g. */
const HEAP = { pattern: /^[1-9]\d*[kmgKMG]$/, patternDoc: 'a JVM size such as 512m or 1g' };
const PORT = { min: 1, max: 65535 };

export const stackSchema = defineConfig(
  'stack',
  {
    home: str({
      env: 'SPAMTRAP_STACK_HOME',
      doc: 'where downloads (cache/), data, logs and state.json live; must be traversable by the ES run user, so not under /root',
      default: '/var/tmp/spamtrap',
      pattern: /^\//,
      patternDoc: 'an absolute path',
    }),
    javaHome: str({
      env: 'SPAMTRAP_JAVA_HOME',
      doc: 'JDK/JRE 17 used by Kafka, Elasticsearch and Maven',
      default: '/usr/lib/jvm/java-17-openjdk-amd64',
      pattern: /^\//,
      patternDoc: 'an absolute path',
    }),
    mvn: str({ env: 'SPAMTRAP_MVN', doc: 'Maven executable used to fetch Kafka jars and the Elasticsearch zip', default: 'mvn' }),
    mavenRepo: str({
      env: 'SPAMTRAP_MAVEN_REPO_LOCAL',
      doc: "Maven local repository (-Dmaven.repo.local); empty means Maven's default ~/.m2/repository",
      default: '',
    }),
    kafkaVersion: str({ env: 'SPAMTRAP_KAFKA_VERSION', doc: 'Kafka version (org.apache.kafka:kafka_2.13, 3.x: the recipe uses reload4j logging)', default: '3.9.2', pattern: /^3\.\d+\.\d+$/, patternDoc: 'a 3.x.y version' }),
    kafkaPort: int({ env: 'SPAMTRAP_KAFKA_PORT', doc: 'Kafka client (PLAINTEXT) port on 127.0.0.1', default: 9092, ...PORT }),
    kafkaControllerPort: int({ env: 'SPAMTRAP_KAFKA_CONTROLLER_PORT', doc: 'Kafka KRaft controller port on 127.0.0.1', default: 9093, ...PORT }),
    kafkaHeap: str({ env: 'SPAMTRAP_KAFKA_HEAP', doc: 'Kafka JVM heap (-Xms = -Xmx)', default: '512m', ...HEAP }),
    esVersion: str({ env: 'SPAMTRAP_ES_VERSION', doc: 'Elasticsearch version (integ-test zip; 8.x runs on Java 17)', default: '8.19.21', pattern: /^8\.\d+\.\d+$/, patternDoc: 'an 8.x.y version' }),
    esPort: int({ env: 'SPAMTRAP_ES_PORT', doc: 'Elasticsearch HTTP port on 127.0.0.1', default: 9200, ...PORT }),
    esTransportPort: int({ env: 'SPAMTRAP_ES_TRANSPORT_PORT', doc: 'Elasticsearch transport port on 127.0.0.1', default: 9300, ...PORT }),
    esHeap: str({ env: 'SPAMTRAP_ES_HEAP', doc: 'Elasticsearch JVM heap (-Xms = -Xmx)', default: '1g', ...HEAP }),
    esUser: str({
      env: 'SPAMTRAP_ES_USER',
      doc: 'system user Elasticsearch runs as when the stack runs as root (ES refuses root); created if missing',
      default: 'esrun',
      pattern: /^[a-z_][a-z0-9_-]{0,30}$/,
      patternDoc: 'a Unix user name',
    }),
    redisServer: str({ env: 'SPAMTRAP_REDIS_SERVER', doc: 'redis-server executable (Debian package redis-server)', default: 'redis-server' }),
    redisPort: int({ env: 'SPAMTRAP_REDIS_PORT', doc: "the stack's own Redis port on 127.0.0.1 (not the system Redis on 6379)", default: 6380, ...PORT }),
    readyTimeoutS: int({ env: 'SPAMTRAP_STACK_READY_TIMEOUT_S', doc: 'seconds each component may take to become ready before `up` fails', default: 180, min: 5, max: 3600 }),
    stopTimeoutS: int({ env: 'SPAMTRAP_STACK_STOP_TIMEOUT_S', doc: 'seconds to wait after SIGTERM before SIGKILL', default: 60, min: 1, max: 600 }),
  },
  [
    (c) => {
      const ports = [c.kafkaPort, c.kafkaControllerPort, c.esPort, c.esTransportPort, c.redisPort];
      return new Set(ports).size === ports.length ? null : `the five stack ports must differ (got ${ports.join(', ')})`;
    },
  ],
);

export type StackConfig = ConfigOf<typeof stackSchema.settings>;
