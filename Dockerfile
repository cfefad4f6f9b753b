# prodtrail: one image for serve, ingest, collect, migrate and demo.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production NEXT_TELEMETRY_DISABLED=1
RUN apt-get update && apt-get install -y --no-install-recommends git wget ca-certificates && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --include=dev
COPY . .
RUN node node_modules/next/dist/bin/next build dashboard
ENTRYPOINT ["node", "bin/prodtrail"]
CMD ["serve"]
